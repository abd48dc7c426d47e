"""Change one byte, delete one entry, swap two, cut off the end: `audit verify` catches and names each."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from privacydesk import audit
from privacydesk.store.db import Database

Tamper = Callable[[str, dict[str, object]], None]


def _verify(db: Database, **kwargs: object) -> audit.ChainReport:
    with db.session_scope(readonly=True) as session:
        return audit.verify_chain(session, **kwargs)  # type: ignore[arg-type]


def test_changing_one_byte_of_one_entry_is_caught_and_named(chain: Database, tamper: Tamper) -> None:
    tamper("UPDATE audit_entries SET actor = 'user:2' WHERE seq = 7", {})
    report = _verify(chain)
    assert not report.ok
    assert report.first_bad == 7
    assert report.problem == "its content was altered"
    assert report.entries == 6


def test_changing_one_byte_inside_the_details_is_caught(chain: Database, tamper: Tamper) -> None:
    with chain.session_scope(readonly=True) as session:
        entry = audit.search_audit(session, target="record:4")[0]
        changed, seq = json.dumps({**entry.details, "n": 5}), entry.seq
    tamper("UPDATE audit_entries SET details = :d WHERE seq = :s", {"d": changed, "s": seq})
    assert _verify(chain).first_bad == seq


def test_deleting_one_entry_is_caught_and_names_the_missing_entry(chain: Database, tamper: Tamper) -> None:
    tamper("DELETE FROM audit_entries WHERE seq = 5", {})
    report = _verify(chain)
    assert report.first_bad == 5
    assert report.problem is not None and "removed" in report.problem


def test_deleting_the_first_entry_is_caught(chain: Database, tamper: Tamper) -> None:
    tamper("DELETE FROM audit_entries WHERE seq = 1", {})
    assert _verify(chain).first_bad == 1


def test_swapping_two_entries_is_caught_and_named_as_a_reordering(chain: Database, tamper: Tamper) -> None:
    tamper("UPDATE audit_entries SET seq = -1 WHERE seq = 3", {})
    tamper("UPDATE audit_entries SET seq = 3 WHERE seq = 4", {})
    tamper("UPDATE audit_entries SET seq = 4 WHERE seq = -1", {})
    report = _verify(chain)
    assert report.first_bad == 3
    assert report.problem is not None and "reordered" in report.problem


def test_rewriting_an_entry_with_a_recomputed_hash_is_caught_at_the_next_one(
    chain: Database, tamper: Tamper
) -> None:
    with chain.session_scope(readonly=True) as session:
        entry = audit.search_audit(session, target="record:5")[0]
        seq = entry.seq
        entry.actor = "user:666"
        forged = audit.hash_entry(entry)
        session.expunge_all()
    tamper(
        "UPDATE audit_entries SET actor = 'user:666', entry_hash = :h WHERE seq = :s", {"h": forged, "s": seq}
    )
    report = _verify(chain)
    assert report.first_bad == seq + 1
    assert report.problem is not None and f"does not follow entry {seq}" in report.problem


def test_cutting_off_the_newest_entries_is_caught_with_the_anchor(chain: Database, tamper: Tamper) -> None:
    with chain.session_scope(readonly=True) as session:
        seq, anchor = audit.head(session)
    tamper("DELETE FROM audit_entries WHERE seq >= 10", {})
    assert _verify(chain).ok  # without an anchor a shorter chain looks whole: that is what anchors are for
    report = _verify(chain, anchor=anchor)
    assert not report.ok
    assert report.problem is not None and anchor in report.problem


@pytest.mark.parametrize("bad_seq", [2, 8, 15])
def test_tampering_is_named_the_same_when_the_chain_is_walked_in_parallel_ranges(
    db: Database, monkeypatch: pytest.MonkeyPatch, bad_seq: int
) -> None:
    from tests.audit.conftest import _attacker, write_chain

    write_chain(db, 20)
    monkeypatch.setattr(audit, "PARALLEL_SPAN", 4)
    with _attacker(db) as conn:
        conn.exec_driver_sql(f"DELETE FROM audit_entries WHERE seq = {bad_seq}")
    report = _verify(db, workers=2)
    assert report.first_bad == bad_seq
    assert report.entries == bad_seq - 1


def test_the_cli_exits_1_and_names_the_entry(chain: Database, tamper: Tamper, cli) -> None:  # type: ignore[no-untyped-def]
    tamper("UPDATE audit_entries SET action = 'login.failed' WHERE seq = 9", {})
    result = cli("audit", "verify", "--db", chain.url)
    assert result.code == 1
    assert "broken at entry 9" in result.err
    as_json = json.loads(cli("audit", "verify", "--db", chain.url, "--json").out)
    assert as_json["ok"] is False and as_json["first_bad_entry"] == 9
