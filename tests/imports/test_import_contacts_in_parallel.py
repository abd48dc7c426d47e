"""`import contacts` with a worker process reading and sealing: the same result as in one process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privacydesk.errors import Refused, UnusableInput
from privacydesk.imports.bulk import CHUNK
from privacydesk.imports.contacts import import_contacts
from privacydesk.imports.pipeline import in_child
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Identifier, Record, Subject
from privacydesk.subjects import create_subject, find_by_identifier, read_record

OWNER = "owner@example.nl"


def _cards(count: int) -> str:
    """`count` cards; every tenth shares its e-mail with the card before it (one person, two cards)."""
    cards = []
    for i in range(count):
        email = f"c{i - 1 if i % 10 == 9 else i}@example.nl"
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Voor{i} Achter{i}\r\nTEL;TYPE=CELL:06-{12000000 + i}\r\n"
            f"EMAIL;TYPE=INTERNET:{email}\r\nEND:VCARD\r\n"
        )
    return "".join(cards)


@pytest.fixture
def owner_db(loaded_db: Database, keyring: Keyring, register: Register) -> Database:
    with loaded_db.session_scope() as session:
        create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"email": [OWNER]},
            actor="test",
        )
    return loaded_db


def _import(db: Database, keyring: Keyring, register: Register, path: Path, parallel: bool) -> dict[str, int]:
    with db.session_scope() as session:
        summary = import_contacts(
            session,
            keyring=keyring,
            register=register,
            path=path,
            owner_email=OWNER,
            today=date.today(),
            actor="test",
            parallel=parallel,
        )
        return {"added": summary.added, "matched": summary.matched, "records": summary.records}


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session_scope() as session:
        return (
            session.scalar(select(func.count()).select_from(Subject)) or 0,
            session.scalar(select(func.count()).select_from(Identifier)) or 0,
            session.scalar(select(func.count()).select_from(Record)) or 0,
        )


def test_a_list_imported_in_parallel_gives_the_same_counts_as_in_one_process(
    owner_db: Database, keyring: Keyring, register: Register, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(_cards(CHUNK + 250))
    parallel = _import(owner_db, keyring, register, path, parallel=True)
    stored = _counts(owner_db)
    # the same people again, in one process: everything matches, nothing is added
    again = _import(owner_db, keyring, register, path, parallel=False)
    assert parallel == {"added": 1125, "matched": 125, "records": 3 * 1125 + 2 * 125}
    assert again == {"added": 0, "matched": CHUNK + 250, "records": 0}
    assert _counts(owner_db) == stored


def test_a_card_imported_in_parallel_reads_back_under_its_subjects_key(
    owner_db: Database, keyring: Keyring, register: Register, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_text(_cards(20))
    _import(owner_db, keyring, register, path, parallel=True)
    with owner_db.session_scope() as session:
        [subject] = find_by_identifier(session, keyring=keyring, kind="phone", value="+31612000003")
        records = session.scalars(select(Record).where(Record.subject_id == subject.id)).all()
        values = sorted(
            str(v) for r in records for v in read_record(session, keyring=keyring, record=r).values()
        )
        assert values == ["+31612000003", "Voor3 Achter3", "c3@example.nl"]
        assert all(r.created_at.tzinfo is not None for r in records)


def test_a_broken_card_in_a_parallel_import_stores_nothing_and_names_its_line(
    owner_db: Database, keyring: Keyring, register: Register, tmp_path: Path
) -> None:
    path = tmp_path / "cut.vcf"
    path.write_text(_cards(CHUNK + 10) + "BEGIN:VCARD\r\nFN:Half\r\n")
    before = _counts(owner_db)
    with pytest.raises(UnusableInput, match=f"line {6 * (CHUNK + 10) + 1}:") as raised:
        _import(owner_db, keyring, register, path, parallel=True)
    assert raised.value.hint and "truncated" in raised.value.hint
    assert _counts(owner_db) == before


def _refusing() -> object:
    yield 1
    raise Refused("not allowed", hint="do not")


def _crashing() -> object:
    yield 1
    raise KeyError("a bug")


def test_the_worker_s_items_arrive_in_order_and_its_errors_are_raised_here() -> None:
    assert list(in_child(lambda: iter(range(5000)))) == list(range(5000))
    with pytest.raises(Refused, match="not allowed") as raised:
        list(in_child(_refusing))  # type: ignore[arg-type]
    assert raised.value.hint == "do not"
    with pytest.raises(RuntimeError, match="KeyError"):
        list(in_child(_crashing))  # type: ignore[arg-type]
