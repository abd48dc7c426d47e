from __future__ import annotations

from datetime import timedelta

from privacydesk.breaches.service import mark_notified, record_breach
from privacydesk.register.service import current_register
from privacydesk.store.base import utcnow
from tests.check.conftest import Demo, failed


def _breach(demo: Demo, *, hours_ago: int) -> str:
    with demo.db.session_scope() as session:
        _, register = current_register(session)
        aware = utcnow() - timedelta(hours=hours_ago)
        breach = record_breach(
            session, register=register, detected_at=aware, aware_at=aware, nature=["confidentiality"],
            description="Laptop with the customer list stolen", categories=["name", "bank_account"],
            subject_refs=[], people=40, actor="test",
        )  # fmt: skip
        return breach.ref


def test_a_breach_past_the_72_hour_clock_without_ap_notification_fails_the_check(demo: Demo) -> None:
    ref = _breach(demo, hours_ago=80)
    found = failed(demo.check())
    assert set(found) == {"breaches_notified"}
    [evidence] = found["breaches_notified"]
    assert evidence["breach_ref"] == ref and evidence["hours_since_aware"] >= 80


def test_a_breach_still_inside_the_clock_is_not_yet_a_failure(demo: Demo) -> None:
    _breach(demo, hours_ago=10)
    assert failed(demo.check()) == {}


def test_a_late_breach_once_notified_to_the_ap_no_longer_fails(demo: Demo) -> None:
    ref = _breach(demo, hours_ago=80)
    with demo.db.session_scope() as session:
        mark_notified(session, ref=ref, whom="ap", reference="AP-2026-1", actor="test")
    assert failed(demo.check()) == {}
