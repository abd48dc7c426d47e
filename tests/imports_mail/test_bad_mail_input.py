"""Bad mail input stops the file with its name and message number, and nothing of it is kept."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privacydesk.store.db import Database
from privacydesk.store.models.subjects import ImportBatch, Message
from tests.imports_mail.conftest import People, message


def _nothing_kept(db: Database) -> bool:
    with db.session_scope() as session:
        messages = session.execute(select(func.count()).select_from(Message)).scalar_one()
        batches = session.execute(select(func.count()).select_from(ImportBatch)).scalar_one()
    return messages == 0 and batches == 0


def test_a_truncated_mbox_names_the_message_and_keeps_nothing(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    full = message(1, "jan@example.nl", "hallo@ocqto.nl", "eerste") + message(
        2, "jan@example.nl", "hallo@ocqto.nl", "tweede met bijlage", attachment=True
    )
    path = tmp_path / "kapot.mbox"
    path.write_text(full[: len(full) - 40])
    result = store_cli("import", "mail", str(path))
    assert result.code == 2
    assert "kapot.mbox: message 2 is truncated" in result.err
    assert _nothing_kept(loaded_db)


def test_a_file_that_is_no_mbox_is_refused_at_line_one(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = tmp_path / "inbox.mbox"
    path.write_text("Dit is gewoon een tekstbestand.\n")
    result = store_cli("import", "mail", str(path))
    assert result.code == 2 and "inbox.mbox:1: not an mbox file" in result.err
    assert _nothing_kept(loaded_db)


def test_a_binary_file_given_as_mail_is_refused(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = tmp_path / "foto.eml"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    result = store_cli("import", "mail", str(path))
    assert result.code == 2 and "foto.eml: a binary file, not an e-mail message" in result.err
    assert _nothing_kept(loaded_db)


def test_a_msg_file_that_is_not_an_outlook_message_is_refused(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = tmp_path / "bericht.msg"
    path.write_text("From: jan@example.nl\n\nhoi\n")
    result = store_cli("import", "mail", str(path))
    assert result.code == 2 and "bericht.msg: not an Outlook .msg file" in result.err
    assert _nothing_kept(loaded_db)


@pytest.mark.skipif(
    importlib.util.find_spec("extract_msg") is not None, reason="extract-msg is installed here"
)
def test_an_outlook_message_without_the_outlook_extra_says_how_to_install_it(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = tmp_path / "echt.msg"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = store_cli("import", "mail", str(path))
    assert result.code == 2
    assert "needs extract-msg" in result.err and "privacydesk[outlook]" in result.err
    assert _nothing_kept(loaded_db)


def test_non_utf8_mail_is_read_in_its_declared_charset(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = tmp_path / "latin.eml"
    path.write_bytes(
        "From: jan@example.nl\nTo: hallo@ocqto.nl\nSubject: caf\xe9\n"
        "Content-Type: text/plain; charset=iso-8859-1\n\nGroeten uit het caf\xe9.\n".encode("latin-1")
    )
    result = store_cli("import", "mail", str(path), "--json")
    assert result.code == 0 and '"added": 1' in result.out


def test_a_missing_path_is_named(loaded_db: Database, store_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = store_cli("import", "mail", str(tmp_path / "nergens.mbox"))
    assert result.code == 2 and "nergens.mbox: no such file or directory" in result.err
