"""The suppression list: keyed hashes only, found again whatever the spelling of the address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from privacydesk.consent import suppression
from privacydesk.errors import UnusableInput
from privacydesk.store.models.consent import SuppressionEntry
from privacydesk.store.models.core import AuditEntry


def test_a_suppressed_address_is_recognised_in_any_spelling(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        suppression.suppress(session, email="Jan.Jansen@Example.NL", reason="erasure", actor="user:1")
    with scope() as session:
        assert suppression.is_suppressed(session, email=" jan.jansen@example.nl ")
        assert not suppression.is_suppressed(session, email="piet@example.nl")


def test_only_a_keyed_hash_is_stored_never_the_address(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        suppression.suppress(session, email="jan@example.nl", reason="unsubscribed", actor="user:1")
        entry = session.execute(select(SuppressionEntry)).scalar_one()
        audit_entry = session.execute(
            select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)
        ).scalar_one()
    assert len(entry.email_hash) == 64 and "jan" not in entry.email_hash
    assert audit_entry.action == "suppression.added" and "jan" not in str(audit_entry.details)


def test_the_hash_depends_on_the_master_key(scope, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from privacydesk.consent.keys import suppression_hash

    other_key = tmp_path / "other.key"
    other_key.write_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
    other = settings.model_copy(update={"key_file": other_key})
    assert suppression_hash(settings, "jan@example.nl") != suppression_hash(other, "jan@example.nl")


def test_suppressing_twice_keeps_one_entry(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        first = suppression.suppress(session, email="jan@example.nl", reason="unsubscribed", actor="a")
        second = suppression.suppress(session, email="JAN@example.nl", reason="erasure", actor="b")
        assert first.id == second.id and second.reason == "unsubscribed"


def test_an_unknown_reason_is_refused(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session, pytest.raises(UnusableInput):
        suppression.suppress(session, email="jan@example.nl", reason="because", actor="a")


def test_a_confirmed_new_opt_in_lifts_the_suppression(scope) -> None:  # type: ignore[no-untyped-def]
    with scope() as session:
        suppression.suppress(session, email="jan@example.nl", reason="unsubscribed", actor="a")
        assert suppression.lift_suppression(session, email="jan@example.nl", actor="a")
        assert not suppression.is_suppressed(session, email="jan@example.nl")
