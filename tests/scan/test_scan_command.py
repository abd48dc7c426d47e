"""`privacydesk scan` shows what it finds, flags a BSN, and stores the flags as findings to resolve."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.findings import Finding
from privacydesk.subjects import create_subject


def test_a_bsn_in_a_letter_is_flagged_and_stored_as_a_finding(
    loaded_db: Database, store_cli, letter: Path
) -> None:  # type: ignore[no-untyped-def]
    result = store_cli("scan", str(letter))
    assert result.code == 1
    assert "forbidden (UAVG art. 46)" in result.out and "111222333" not in result.out
    with loaded_db.session_scope() as session:
        findings = list(session.execute(select(Finding)).scalars())
        assert [(f.kind, f.reason, f.location, f.status) for f in findings] == [
            ("bsn", "forbidden", "line 2", "open")
        ]
        actions = set(session.execute(select(AuditEntry.action)).scalars())
    assert {"finding.raised", "scan.completed"} <= actions


def test_json_output_lists_every_finding_with_masked_values(
    loaded_db: Database, store_cli, letter: Path
) -> None:  # type: ignore[no-untyped-def]
    result = store_cli("scan", str(letter), "--json")
    data = json.loads(result.out)
    assert [(f["kind"], f["location"], f["flag"]) for f in data["found"]] == [
        ("bsn", "line 2", "forbidden"),
        ("phone", "line 3", None),
        ("email", "line 3", None),
    ]
    assert data["flagged"] == 1 and data["new_findings"] == 1
    assert "jan.jansen@example.nl" not in result.out


def test_scanning_the_same_file_again_raises_no_new_finding(
    loaded_db: Database, store_cli, letter: Path
) -> None:  # type: ignore[no-untyped-def]
    store_cli("scan", str(letter))
    again = json.loads(store_cli("scan", str(letter), "--json").out)
    assert again["new_findings"] == 0
    with loaded_db.session_scope() as session:
        assert len(list(session.execute(select(Finding)).scalars())) == 1


def test_without_a_database_a_bsn_is_still_flagged_and_nothing_is_stored(
    cli, tmp_path: Path, letter: Path
) -> None:  # type: ignore[no-untyped-def]
    result = cli("--db", f"sqlite:///{tmp_path / 'absent.db'}", "scan", str(letter))
    assert result.code == 1
    assert "findings are not stored" in result.err
    assert not (tmp_path / "absent.db").exists()


def test_a_file_without_personal_data_exits_zero(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "leeg.txt"
    path.write_text("Niets bijzonders hier.")
    assert cli("scan", "--no-store", str(path)).code == 0


def test_an_unreadable_file_exits_two_naming_the_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x00\x01\x02binary")
    result = cli("scan", "--no-store", str(path))
    assert result.code == 2 and "data.bin: a binary file" in result.err


def test_known_subjects_are_named_by_their_pseudonymous_ref(  # type: ignore[no-untyped-def]
    loaded_db: Database, store_cli, letter: Path, keyring: Keyring, register: Register, tmp_path: Path
) -> None:
    with loaded_db.session_scope() as session:
        jan = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"name": ["Jan Jansen"], "phone": ["0612345678"]},
            actor="test",
        )
        ref = jan.ref
    path = tmp_path / "notitie.txt"
    path.write_text("Gebeld met jan jansen over de factuur; terugbellen op +31 6 12345678.")
    data = json.loads(store_cli("scan", "--known", "--json", str(path)).out)
    mentions = [(f["kind"], f["subjects"]) for f in data["found"] if f["subjects"]]
    assert mentions == [("name", [ref]), ("phone", [ref])]


def test_a_finding_is_resolved_once_and_then_stays_resolved(
    loaded_db: Database, store_cli, letter: Path
) -> None:  # type: ignore[no-untyped-def]
    store_cli("scan", str(letter))
    listed = json.loads(store_cli("findings", "list", "--json").out)
    assert [(f["kind"], f["status"]) for f in listed] == [("bsn", "open")]
    done = store_cli("findings", "resolve", str(listed[0]["id"]), "--note", "BSN weggelakt in de brief")
    assert done.code == 0
    assert json.loads(store_cli("findings", "list", "--json").out) == []
    again = store_cli("findings", "resolve", str(listed[0]["id"]), "--note", "nogmaals")
    assert again.code == 1 and "cannot become resolved" in again.err
    with loaded_db.session_scope() as session:
        assert "finding.resolved" in set(session.execute(select(AuditEntry.action)).scalars())


def test_an_unknown_finding_is_not_found(loaded_db: Database, store_cli) -> None:  # type: ignore[no-untyped-def]
    result = store_cli("findings", "resolve", "999", "--note", "x")
    assert result.code == 1 and "no finding 999" in result.err
