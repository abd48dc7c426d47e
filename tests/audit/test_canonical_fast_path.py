"""The fast verifier rebuilds each entry's canonical JSON from raw columns: it must match the definition."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from privacydesk import audit
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    details=st.dictionaries(st.text(), json_values, max_size=4),
    actor=st.text(min_size=1, max_size=30),
    reason=st.none() | st.text(max_size=40),
    micro=st.integers(0, 999_999),
)
def test_the_raw_canonical_form_equals_the_definition(
    details: dict[str, object], actor: str, reason: str | None, micro: int
) -> None:
    entry = AuditEntry(
        seq=42,
        at=datetime(2026, 11, 25, 9, 0, 0, micro, tzinfo=UTC),
        actor=actor,
        action="record.created",
        target_type=None,
        target_id="7",
        reason=reason,
        details=details,
        prev_hash="a" * 64,
    )
    row = [getattr(entry, c) for c in audit._COLUMNS.split(", ")[:9]]
    assert audit.raw_canonical(row) == audit.canonical_json(audit.entry_payload(entry))
    import json

    row[7] = json.dumps(details)  # as the database hands it back
    row[1] = entry.at.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLite stores it
    assert audit.raw_canonical(row) == audit.canonical_json(audit.entry_payload(entry))


def test_entries_written_through_the_orm_verify_on_both_databases(db: Database) -> None:
    with db.session_scope() as session:
        audit.record(
            session, action=audit.Action.CONFIG_CHANGED, actor="cli:x", details={"z": 1, "a": [1.5, "ü"]}
        )
        audit.record(session, action=audit.Action.CONFIG_CHANGED, actor="cli:x", reason="why", details={})
    with db.session_scope(readonly=True) as session:
        assert audit.verify_chain(session).ok
        assert audit.verify_entries(session.query(AuditEntry).order_by(AuditEntry.seq)).ok


@settings(max_examples=200, deadline=None)
@given(
    details=st.dictionaries(st.text(), json_values, max_size=4),
    actor=st.text(min_size=1, max_size=30),
    reason=st.none() | st.text(max_size=40),
    target=st.none() | st.text(max_size=20) | st.integers(),
)
def test_bulk_entries_hash_exactly_as_the_definition(
    details: dict[str, object], actor: str, reason: str | None, target: str | int | None
) -> None:
    """`record_many` builds the canonical JSON from pieces prepared beforehand; the pieces must
    join into the definition's bytes, whatever the strings hold."""
    entry = audit.NewEntry(audit.Action.RECORD_DELETED, actor, "subject", target, reason, details)
    at = datetime(2026, 11, 25, 9, 0, 0, 123_456, tzinfo=UTC)
    (row,) = audit.chain(audit.prepare([entry]), 41, "b" * 64, at=at).rows
    stored = AuditEntry(
        seq=42,
        at=at,
        actor=actor,
        action=str(audit.Action.RECORD_DELETED),
        target_type="subject",
        target_id=None if target is None else str(target),
        reason=reason,
        details=details,
        prev_hash="b" * 64,
    )
    assert row[-1] == audit.hash_entry(stored)


def test_bulk_entries_verify_on_both_databases(db: Database) -> None:
    entries = [
        audit.NewEntry(
            audit.Action.RECORD_DELETED, "system:retention", "subject", f"ref-{i}", "why", {"n": i}
        )
        for i in range(3)
    ]
    with db.session_scope() as session:
        audit.record(session, action=audit.Action.CONFIG_CHANGED, actor="cli:x", details={"ü": '"q"'})
        assert audit.record_many(session, entries) == 4
    with db.session_scope(readonly=True) as session:
        assert audit.verify_chain(session).ok
        assert audit.verify_entries(session.query(AuditEntry).order_by(AuditEntry.seq)).ok
