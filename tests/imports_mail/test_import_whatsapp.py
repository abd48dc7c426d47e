"""`import whatsapp` reads chat exports in Dutch and English date styles and links the chat partner."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from privacydesk.imports.whatsapp import chat_lines, day_first, whatsapp_mails
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Message, Record
from tests.imports_mail.conftest import People

ANDROID_NL = """\
12-03-2024 14:05 - Berichten en oproepen worden end-to-end versleuteld.
12-03-2024 14:05 - Jan Jansen: Hoi, kunnen jullie mijn administratie doen?
12-03-2024 14:06 - Ocqto Support: Zeker! Stuur je IBAN even
en je adres.
13-03-2024 09:15 - Jan Jansen: NL91ABNA0417164300
13-03-2024 09:16 - Jan Jansen: <Media weggelaten>
"""
IOS_US = """\
[3/12/24, 2:05:33\u202fPM] Jan Jansen: Hi, can you do my books?
[3/13/24, 9:15:00\u202fAM] +31 6 12345678: this is my other phone
"""
IOS_NL = "[25-12-2023 21:41:05] Piet Pieters: Fijne kerst!\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dutch_android_lines_are_read_with_continuations_and_without_system_messages(tmp_path: Path) -> None:
    mails = [m for _, m in whatsapp_mails(_write(tmp_path, "chat.txt", ANDROID_NL), None)]
    assert [m.body for m in mails] == [
        "Hoi, kunnen jullie mijn administratie doen?",
        "Zeker! Stuur je IBAN even\nen je adres.",
        "NL91ABNA0417164300",
        "<Media weggelaten>",
    ]
    assert mails[2].sent_at == datetime(2024, 3, 13, 9, 15, tzinfo=UTC)
    assert mails[3].attachments == [{"name": "(media left out of the export)", "size": 0}]


def test_american_ios_lines_are_month_first_with_a_twelve_hour_clock(tmp_path: Path) -> None:
    path = _write(tmp_path, "chat.txt", IOS_US)
    assert not day_first(chat_lines(path))
    times = [m.sent_at for _, m in whatsapp_mails(path, None)]
    assert times == [datetime(2024, 3, 12, 14, 5, 33, tzinfo=UTC), datetime(2024, 3, 13, 9, 15, tzinfo=UTC)]


def test_dutch_ios_lines_are_day_first(tmp_path: Path) -> None:
    [(_, mail)] = list(whatsapp_mails(_write(tmp_path, "chat.txt", IOS_NL), None))
    assert mail.sent_at == datetime(2023, 12, 25, 21, 41, 5, tzinfo=UTC)


def test_the_chat_is_linked_to_the_partner_by_phone_and_to_a_subject_named_in_it(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = _write(tmp_path, "WhatsApp-chat met Jan.txt", ANDROID_NL)
    result = store_cli("import", "whatsapp", str(path), "--phone", "06 12345678", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)[0]
    assert summary["added"] == 4
    with loaded_db.session_scope() as session:
        linked = session.execute(
            select(Record.subject_id, Message.channel).join(Message, Message.id == Record.message_id)
        ).all()
    assert {c for _, c in linked} == {"whatsapp"}
    assert sum(1 for s, _ in linked if s == people.jan) == 4
    assert sum(1 for s, _ in linked if s == people.piet) == 1  # Piet's IBAN is in a message


def test_a_sender_shown_by_phone_number_is_linked_without_the_phone_option(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    summary = json.loads(
        store_cli("import", "whatsapp", str(_write(tmp_path, "c.txt", IOS_US)), "--json").out
    )[0]
    # 'Jan Jansen' is the name of exactly one subject; '+31 6 12345678' is Jan's phone
    assert (summary["added"], summary["records"]) == (2, 2)


def test_importing_the_chat_again_adds_nothing(
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "chat.txt", ANDROID_NL)
    store_cli("import", "whatsapp", str(path), "--phone", "0612345678")
    again = json.loads(store_cli("import", "whatsapp", str(path), "--phone", "0612345678", "--json").out)[0]
    assert (again["added"], again["records"]) == (0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"12-03-2024 14:05 - Jan: caf\xe9\n", "chat.txt:1: not UTF-8 text"),
        (b"Hallo daar\n12-03-2024 14:05 - Jan: hoi\n", "chat.txt:1: not a WhatsApp chat export"),
        (b"\x00\x01\x02", "chat.txt: a binary file"),
        (b"31-02-2024 14:05 - Jan: hoi\n", "chat.txt:1: '31-02-2024 14:05' is not a date and time"),
    ],
)
def test_bad_exports_are_refused_with_file_and_line_and_nothing_is_kept(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(content)
    result = store_cli("import", "whatsapp", str(path))
    assert result.code == 2 and message in result.err
    with loaded_db.session_scope() as session:
        assert session.execute(select(Message)).first() is None


def test_an_invalid_partner_phone_is_refused(loaded_db: Database, store_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = store_cli("import", "whatsapp", str(_write(tmp_path, "c.txt", IOS_NL)), "--phone", "12")
    assert result.code == 2 and "--phone: not a valid phone number" in result.err
