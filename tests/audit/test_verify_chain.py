"""`audit verify` on an intact chain, and the entry it writes."""

from __future__ import annotations

import json

from privacydesk import audit
from privacydesk.store.db import Database
from tests.audit.conftest import write_chain


def test_an_intact_chain_verifies_with_its_count_and_head(chain: Database) -> None:
    with chain.session_scope(readonly=True) as session:
        report = audit.verify_chain(session)
        assert report.ok
        assert report.entries == 12
        assert report.head_hash == audit.head(session)[1]


def test_an_empty_chain_verifies(db: Database) -> None:
    with db.session_scope(readonly=True) as session:
        report = audit.verify_chain(session)
    assert report.ok and report.entries == 0 and report.head_hash == audit.GENESIS


def test_long_chains_are_walked_in_ranges_by_worker_processes_with_the_same_result(
    db: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    write_chain(db, 40)
    monkeypatch.setattr(audit, "PARALLEL_SPAN", 7)
    with db.session_scope(readonly=True) as session:
        parallel = audit.verify_chain(session, workers=2)
        single = audit.verify_chain(session, workers=1)
    assert parallel == single
    assert parallel.ok and parallel.entries == 40


def test_the_cli_verifies_prints_json_and_records_the_verification(chain: Database, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("audit", "verify", "--db", chain.url, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["ok"] is True and data["entries"] == 12 and data["first_bad_entry"] is None
    with chain.session_scope(readonly=True) as session:
        newest = audit.search_audit(session, limit=1)[0]
        assert newest.action == audit.Action.AUDIT_VERIFIED
        assert newest.details == {"entries": 12, "head": data["head_hash"]}


def test_anchor_prints_the_head_to_keep_outside_the_system(chain: Database, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("audit", "anchor", "--db", chain.url, "--json")
    with chain.session_scope(readonly=True) as session:
        seq, head = audit.head(session)
    assert result.code == 0
    assert json.loads(result.out) == {"entries": seq, "head_hash": head}
    plain = cli("audit", "anchor", "--db", chain.url)
    assert plain.out.strip() == f"{seq} {head}"


def test_bulk_appends_make_the_same_chain_as_single_ones(db: Database) -> None:
    entries = [
        audit.NewEntry(
            action=audit.Action.SUBJECT_DELETED,
            actor="system:t",
            target_type="subject",
            target_id=f"{i:032x}",
            reason="retention period ended",
            details={"run": 1, "records": [i]},
        )
        for i in range(5)
    ]
    with db.session_scope() as session:
        audit.record(session, action=audit.Action.CONFIG_CHANGED, actor="cli:x")
        assert audit.record_many(session, entries) == 6
        audit.record(session, action=audit.Action.CONFIG_CHANGED, actor="cli:x")
    with db.session_scope(readonly=True) as session:
        report = audit.verify_chain(session)
        assert report.ok and report.entries == 7
        [entry] = audit.search_audit(session, target=f"subject:{3:032x}")
        assert entry.details == {"run": 1, "records": [3]} and entry.at.tzinfo is not None
