"""`import mail` stores each message once, linked to every known subject it is about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privacydesk.correspondence import read_message
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.findings import Finding
from privacydesk.store.models.subjects import Message, Record
from tests.imports_mail.conftest import People


def _links(db: Database) -> list[tuple[int, int, str]]:
    with db.session_scope() as session:
        rows = session.execute(
            select(Record.message_id, Record.subject_id, Record.purpose).where(Record.message_id.is_not(None))
        ).all()
    return sorted((m, s, p) for m, s, p in rows if m is not None)


def test_a_message_is_linked_to_its_sender_and_to_a_subject_whose_iban_is_in_the_body(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path
) -> None:
    result = store_cli("import", "mail", str(mbox), "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)[0]
    assert (summary["added"], summary["records"]) == (2, 3)
    assert summary["skipped_reasons"] == [f"{mbox}: message 2: about no known subject; not kept"]
    links = _links(loaded_db)
    first, second = sorted({m for m, _, _ in links})
    assert [(s, p) for m, s, p in links if m == first] == sorted(
        [(people.jan, "service_contact"), (people.piet, "service_contact")]
    )
    assert [s for m, s, _ in links if m == second] == [people.piet]


def test_the_message_keeps_its_text_and_attachment_names_sealed(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path, keyring: Keyring
) -> None:
    store_cli("import", "mail", str(mbox))
    with loaded_db.session_scope() as session:
        record = session.execute(
            select(Record).where(Record.subject_id == people.jan, Record.message_id.is_not(None))
        ).scalar_one()
        content = read_message(session, keyring=keyring, record=record)
        message = session.get(Message, record.message_id)
        assert message is not None and message.direction == "in" and message.channel == "email"
    assert content["subject"] == "Vraag 1" and "NL91 ABNA" in content["body"]
    assert content["attachments"] == [{"name": "factuur.pdf", "size": 9}]


def test_importing_the_same_mailbox_twice_adds_nothing(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path
) -> None:
    store_cli("import", "mail", str(mbox))
    again = json.loads(store_cli("import", "mail", str(mbox), "--json").out)[0]
    assert (again["added"], again["matched"], again["records"]) == (0, 2, 0)
    with loaded_db.session_scope() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 2


def test_a_bsn_in_a_message_becomes_an_open_finding_about_the_subject(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path
) -> None:
    store_cli("import", "mail", str(mbox))
    with loaded_db.session_scope() as session:
        findings = list(session.execute(select(Finding)).scalars())
        assert [(f.kind, f.reason, f.location, f.subject_ref, f.status) for f in findings] == [
            ("bsn", "forbidden", "message 3", people.piet_ref, "open")
        ]
        assert findings[0].message_id is not None


def test_a_directory_of_eml_files_is_imported(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.eml").write_text("From: jan@example.nl\nTo: hallo@ocqto.nl\nSubject: a\n\nhoi\n")
    (folder / "sub" / "b.eml").write_text(
        "From: hallo@ocqto.nl\nTo: jan@example.nl\nSubject: b\n\nbel 06 12345678\n"
    )
    (folder / "notes.txt").write_text("not mail, ignored")
    summary = json.loads(store_cli("import", "mail", str(folder), "--json").out)[0]
    assert (summary["added"], summary["records"], summary["skipped"]) == (2, 2, 0)


def test_the_database_file_holds_no_message_body_in_plain_text(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the bytes of the database file are checked on SQLite")
    store_cli("import", "mail", str(mbox))
    loaded_db.dispose()
    path = Path(db_url.removeprefix("sqlite:///"))
    data = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert b"Betaald van" not in data and b"hoeven wij niet" not in data and b"factuur.pdf" not in data


def test_a_message_imported_again_is_linked_to_a_subject_who_became_known_since(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path, keyring: Keyring, register
) -> None:
    from privacydesk.subjects import create_subject

    store_cli("import", "mail", str(mbox))
    with loaded_db.session_scope() as session:
        newcomer = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="prospect",
            identifiers={"email": ["onbekend@example.com"]},
            actor="test",
        ).id
    again = json.loads(store_cli("import", "mail", str(mbox), "--json").out)[0]
    assert (again["added"], again["matched"], again["records"]) == (1, 2, 1)
    assert any(s == newcomer for _, s, _ in _links(loaded_db))


def test_the_subject_sees_the_message_with_its_retention_date(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path, keyring: Keyring
) -> None:
    from privacydesk.subjects import subject_view

    store_cli("import", "mail", str(mbox))
    with loaded_db.session_scope() as session:
        view = subject_view(session, keyring=keyring, subject_id=people.jan, actor="test")
    [record] = [r for r in view.purposes["service_contact"] if r.kind == "message"]
    assert record.event_on is not None and record.expires_on is not None and record.expires_on.year == 2026


def test_a_large_mbox_parsed_on_two_processes_gives_the_same_result(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privacydesk.imports import mail

    monkeypatch.setattr(mail, "PARALLEL_FROM", 0)
    monkeypatch.setattr(mail, "default_workers", lambda: 2)
    summary = json.loads(store_cli("import", "mail", str(mbox), "--json").out)[0]
    assert (summary["added"], summary["records"], summary["skipped"]) == (2, 3, 1)


def test_a_truncated_large_mbox_is_refused_on_two_processes_too(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, mbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from privacydesk.imports import mail

    monkeypatch.setattr(mail, "PARALLEL_FROM", 0)
    monkeypatch.setattr(mail, "default_workers", lambda: 2)
    mbox.write_bytes(mbox.read_bytes()[:-30])
    result = store_cli("import", "mail", str(mbox))
    assert result.code == 2 and "message 3 is truncated" in result.err
