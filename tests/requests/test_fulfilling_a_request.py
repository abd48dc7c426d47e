"""Fulfilling a verified request: the answer ZIP holds this person's data and nobody else's —
even among people who share a name, a household e-mail address or a phone number — and is
offered once through a link in the answer letter."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests import answer, identity
from privacydesk.subject_requests.records import get_request
from privacydesk.subjects import add_record, get_subject
from tests.requests.conftest import BASE_URL, People
from tests.requests.helpers import open_, outbox

SECRETS = {
    "jan": "Factuur 2026-001 voor Jan",
    "piet": "Factuur 2026-002 voor Piet",
    "marie": "Factuur 2026-003 voor Marie",
    "jan_namesake": "Factuur 2026-004 voor de andere Jan",
}


@pytest.fixture
def invoices(loaded_db: Database, keyring: Keyring, register: Register, people: People) -> People:
    with loaded_db.session_scope() as session:
        for nick, text in SECRETS.items():
            subject = get_subject(session, ref=getattr(people, nick))
            add_record(
                session,
                keyring=keyring,
                register=register,
                subject=subject,
                kind="invoice",
                category="invoices",
                purpose="payment",
                source="data_subject",
                payload={"description": text, "amount": "121.00"},
                event_on=date(2026, 3, 1),
                actor="test",
            )
    return people


def _verified(db: Database, keyring: Keyring, register: Register, **values: Any) -> str:
    ref = open_(db, keyring, register, **values)
    with db.session_scope() as session:
        identity.confirm_identity(
            session,
            keyring=keyring,
            request=get_request(session, ref=ref),
            note="checked by phone",
            actor="user:1",
        )
    return ref


def _fulfil(
    db: Database, keyring: Keyring, register: Register, settings: Settings, ref: str
) -> answer.Answer:
    with db.session_scope() as session:
        bind_settings(session, settings)
        return answer.fulfil_request(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            out_dir=Path(settings.data_dir) / "exports",
            base_url=BASE_URL,
            today=date.today(),
            actor="user:1",
        )


def _zip_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if not n.endswith(".pdf")
        )


@pytest.mark.parametrize(
    ("values", "owner"),
    [
        ({"email": "jan.jansen@example.nl", "name": "Jan Jansen"}, "jan"),
        ({"email": "j.jansen@example.org", "name": "Jan Jansen"}, "jan_namesake"),
        ({"email": "familie@example.nl", "name": "Marie de Vries"}, "marie"),
    ],
)
def test_an_access_answer_holds_only_the_requesters_own_data(
    loaded_db: Database,
    keyring: Keyring,
    register: Register,
    settings: Settings,
    invoices: People,
    values: dict[str, str],
    owner: str,
) -> None:
    ref = _verified(loaded_db, keyring, register, **values)
    result = _fulfil(loaded_db, keyring, register, settings, ref)
    [path] = result.files
    text = _zip_text(path)
    assert SECRETS[owner] in text
    for nick, secret in SECRETS.items():
        if nick != owner:
            assert secret not in text, f"{nick}'s data leaked into {owner}'s answer"
    others = {
        "jan": "jan.jansen@example.nl",
        "jan_namesake": "j.jansen@example.org",
        "marie": "familie@example.nl",
    }
    for nick, address in others.items():
        if address != others[owner] and nick != owner:
            assert address not in text


def test_a_shared_household_address_without_a_name_is_not_answered_until_staff_link_one_person(
    loaded_db: Database, keyring: Keyring, register: Register, settings: Settings, invoices: People
) -> None:
    ref = _verified(loaded_db, keyring, register, email="familie@example.nl")
    with pytest.raises(Refused, match="more than one person"):
        _fulfil(loaded_db, keyring, register, settings, ref)


def test_the_answer_letter_carries_a_single_use_download_link(
    loaded_db: Database,
    keyring: Keyring,
    register: Register,
    settings: Settings,
    invoices: People,
    portal: Any,
) -> None:
    ref = _verified(loaded_db, keyring, register, email="jan.jansen@example.nl")
    _fulfil(loaded_db, keyring, register, settings, ref)
    [letter] = [m for m in outbox(loaded_db) if m.key.endswith(":answer")]
    assert letter.to_addr == "jan.jansen@example.nl"
    link = re.search(r"https://portal\.example(/privacy/download/\S+)", letter.body_text)
    assert link, letter.body_text
    first = portal.get(link.group(1))
    assert first.status_code == 200 and first.headers["content-type"] == "application/zip"
    assert portal.get(link.group(1)).status_code == 404, "a download link works once"


def test_a_request_for_someone_we_do_not_know_is_answered_with_no_data(
    loaded_db: Database, keyring: Keyring, register: Register, settings: Settings
) -> None:
    ref = _verified(loaded_db, keyring, register, email="stranger@example.nl")
    result = _fulfil(loaded_db, keyring, register, settings, ref)
    assert result.files == [] and result.download_token is None
    [letter] = [m for m in outbox(loaded_db) if m.key.endswith(":answer")]
    assert "geen persoonsgegevens van je gevonden" in letter.body_text


def test_an_unverified_request_cannot_be_fulfilled(
    loaded_db: Database, keyring: Keyring, register: Register, settings: Settings, invoices: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    with pytest.raises(Refused, match="cannot be carried out"):
        _fulfil(loaded_db, keyring, register, settings, ref)


def test_access_and_erasure_together_deliver_the_copy_and_then_erase(
    loaded_db: Database, keyring: Keyring, register: Register, settings: Settings, invoices: People
) -> None:
    ref = _verified(loaded_db, keyring, register, email="jan.jansen@example.nl", kinds=["erasure", "access"])
    result = _fulfil(loaded_db, keyring, register, settings, ref)
    [path] = result.files
    assert path.parent.name == ref and SECRETS["jan"] in _zip_text(path)
    kinds = [s["request_type"] for s in result.summaries]
    assert kinds == ["access", "erasure"], "access runs before erasure"


def test_portability_to_another_organisation_sends_them_a_single_use_link(
    loaded_db: Database,
    keyring: Keyring,
    register: Register,
    settings: Settings,
    invoices: People,
    portal: Any,
) -> None:
    ref = _verified(
        loaded_db,
        keyring,
        register,
        email="jan.jansen@example.nl",
        kinds=["portability"],
        target="Nieuwe Administratie BV, privacy@nieuw.example",
    )
    _fulfil(loaded_db, keyring, register, settings, ref)
    letters = {m.key.split(":")[2]: m for m in outbox(loaded_db)}
    transfer, reply = letters["transfer"], letters["answer"]
    assert transfer.to_addr == "privacy@nieuw.example"
    assert (
        "rechtstreeks naar Nieuwe Administratie BV" in reply.body_text
        and "/privacy/download/" not in reply.body_text
    )
    link = re.search(r"https://portal\.example(/privacy/download/\S+)", transfer.body_text)
    assert link
    got = portal.get(link.group(1))
    assert got.status_code == 200
    with zipfile.ZipFile(__import__("io").BytesIO(got.content)) as archive:
        assert {"data.json", "data.schema.json", "records.csv"} <= set(archive.namelist())


def test_rectification_applies_the_change_given_by_staff(
    loaded_db: Database, keyring: Keyring, register: Register, settings: Settings, invoices: People
) -> None:
    from sqlalchemy import select

    from privacydesk.store.models.subjects import Record
    from privacydesk.subjects import read_record

    ref = _verified(loaded_db, keyring, register, email="jan.jansen@example.nl", kinds=["rectification"])
    with loaded_db.session_scope(readonly=True) as session:
        jan = get_subject(session, ref=invoices.jan)
        record_id = session.execute(select(Record.id).where(Record.subject_id == jan.id)).scalar_one()
    with loaded_db.session_scope() as session:
        answer.fulfil_request(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            out_dir=Path(settings.data_dir) / "exports",
            base_url=BASE_URL,
            today=date.today(),
            actor="user:1",
            extra={"records": {record_id: {"amount": "100.00"}}},
        )
    with loaded_db.session_scope(readonly=True) as session:
        record = session.get(Record, record_id)
        assert (
            record is not None and read_record(session, keyring=keyring, record=record)["amount"] == "100.00"
        )
    [reply] = [m for m in outbox(loaded_db) if m.key.endswith(":answer")]
    assert "Verbeterd: invoices.amount" in reply.body_text
