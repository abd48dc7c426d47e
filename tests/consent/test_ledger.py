"""The consent ledger: append-only events, state derived from them, DPV export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from privacydesk import audit
from privacydesk.consent import ledger
from privacydesk.consent.ledger import Channel, ConsentState, Ground
from privacydesk.errors import InvalidTransition, UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.core import AuditEntry


def _give(session, subject_id="7", purpose="newsletter", **kw):  # type: ignore[no-untyped-def]
    notice = ledger.notice_for(session, text="Sign up for our newsletter", language="nl")
    return ledger.record_consent(
        session,
        subject_id=subject_id,
        purpose=purpose,
        state=kw.pop("state", ConsentState.GIVEN),
        channel=kw.pop("channel", Channel.FORM),
        notice=notice,
        actor="test",
        **kw,
    )


def test_a_given_consent_is_the_current_state_with_its_notice(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        event = _give(session, evidence={"double_opt_in": {"confirmed": True}})
    with scope() as session:
        [status] = ledger.current_consents(session, subject_id=7)
    assert status.purpose == "newsletter" and status.state is ConsentState.GIVEN
    assert status.record_id == event.record_id
    assert event.notice_hash == ledger.text_hash("Sign up for our newsletter")
    assert event.register_version == 1 and event.consent_revision == 1


def test_the_newest_event_wins(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session)
        _give(session, state=ConsentState.WITHDRAWN, channel=Channel.EMAIL_LINK)
        [status] = ledger.current_consents(session, subject_id="7")
    assert status.state is ConsentState.WITHDRAWN and status.channel == "email_link"


def test_a_consent_past_its_expiry_counts_as_expired(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session, at=utcnow() - timedelta(days=400), expires_at=utcnow() - timedelta(days=35))
        [status] = ledger.current_consents(session, subject_id="7")
    assert status.state is ConsentState.EXPIRED and not status.is_valid


def test_withdrawing_what_was_never_given_is_refused(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session, pytest.raises(InvalidTransition):
        _give(session, state=ConsentState.WITHDRAWN)


def test_an_event_needs_exactly_one_of_subject_or_visitor(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session, pytest.raises(UnusableInput):
        notice = ledger.notice_for(session, text="x", language="nl")
        ledger.record_consent(
            session,
            purpose="newsletter",
            state=ConsentState.GIVEN,
            channel=Channel.FORM,
            notice=notice,
            actor="test",
        )


def test_withdraw_all_withdraws_every_given_consent_and_writes_audit_entries(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session, purpose="newsletter")
        _give(session, purpose="service_updates", ground=Ground.CUSTOMER_EXCEPTION)
        before = audit.count(session)
        written = ledger.withdraw_all(session, subject_id=7, channel=Channel.STAFF, actor="user:1")
        states = {s.purpose: s.state for s in ledger.current_consents(session, subject_id=7)}
        assert audit.count(session) == before + 2
        actions = session.execute(
            select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(2)
        ).scalars()
        assert set(actions) == {"consent.recorded"}
    assert len(written) == 2
    assert states == {"newsletter": ConsentState.WITHDRAWN, "service_updates": ConsentState.WITHDRAWN}


def test_the_audit_entry_names_the_subject_by_id_only(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session, evidence={"form": "newsletter"})
        entry = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
    assert (entry.target_type, entry.target_id) == ("subject", "7")
    assert "@" not in str(entry.details)


def test_the_export_uses_dpv_field_names(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session, expires_at=utcnow() + timedelta(days=30))
        _give(session, state=ConsentState.WITHDRAWN)
        records = ledger.export_for_subject(session, subject_id=7)
    assert [r["dpv:hasConsentStatus"] for r in records] == ["dpv:ConsentGiven", "dpv:ConsentWithdrawn"]
    first = records[0]
    assert first["@type"] == "dpv:ConsentRecord"
    assert first["dpv:hasLegalBasis"] == "eu-gdpr:A6-1-a"
    assert first["dpv:hasNotice"]["hash"].startswith("sha256:")
    assert "dpv:hasDuration" in first


def test_every_dpv_term_in_the_export_exists_in_the_w3c_vocabulary(scope) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import SHARED

    ttl = SHARED / "fixtures" / "dpv" / "dpv.ttl"
    if not ttl.exists():
        pytest.skip(f"the W3C DPV fixture is absent at {ttl}")
    vocabulary = ttl.read_text()
    with scope() as session:
        _give(session, expires_at=utcnow() + timedelta(days=30))
        [record] = ledger.export_for_subject(session, subject_id=7)
    terms = {k for k in record if k.startswith("dpv:")} | {
        v for v in (record["@type"], record["dpv:hasConsentStatus"], record["dpv:hasDuration"]["@type"])
    }
    missing = [t for t in terms if f"\n{t} a " not in vocabulary]
    assert missing == []


def test_consent_events_cannot_be_changed_or_deleted(scope, loaded_db) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session)
    for statement in ("UPDATE consent_events SET state = 'refused'", "DELETE FROM consent_events"):
        with pytest.raises(DBAPIError), loaded_db.engine.begin() as conn:
            conn.execute(text(statement))
    with scope() as session:
        assert session.execute(select(func.count()).select_from(ConsentEvent)).scalar_one() == 1


def test_expiring_writes_an_expired_event_once(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        _give(session, at=utcnow() - timedelta(days=400), expires_at=utcnow() - timedelta(days=35))
        _give(session, purpose="service_updates", expires_at=utcnow() + timedelta(days=30))
        assert ledger.expire_consents(session, actor="system:scheduler") == 1
        assert ledger.expire_consents(session, actor="system:scheduler") == 0
        records = ledger.export_for_subject(session, subject_id=7)
    assert [r["dpv:hasConsentStatus"] for r in records][-1] == "dpv:ConsentExpired"
