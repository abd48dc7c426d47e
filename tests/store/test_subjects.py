"""Subjects: created with sealed identifiers, found by blind index, refused when the register says no."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from privacydesk.errors import Refused
from privacydesk.identifiers import InvalidIdentifier
from privacydesk.register.model import Register
from privacydesk.store.crypto import KeyDestroyed, Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.subjects import Record
from privacydesk.subjects import (
    add_record,
    create_subject,
    delete_subject,
    destroy_subject_key,
    find_subjects,
    read_record,
    rectify_record,
    subject_view,
)

JAN = {
    "name": ["Jan Jansen"],
    "email": ["Jan.Jansen@Example.NL"],
    "phone": ["06-12345678"],
    "iban": ["NL91 ABNA 0417 1643 00"],
}


def _jan(session, keyring: Keyring, register: Register):  # type: ignore[no-untyped-def]
    return create_subject(
        session, keyring=keyring, register=register, subject_type="customer", identifiers=JAN, actor="test"
    )


def _add(session: Any, keyring: Keyring, register: Register, subject: Any, **values: Any) -> Any:
    """Store a value the person gave us themselves (the tests' usual record)."""
    return add_record(
        session,
        keyring=keyring,
        register=register,
        subject=subject,
        source="data_subject",
        actor="t",
        **values,
    )


@pytest.mark.parametrize(
    "query",
    ["jan.jansen@example.nl", "+31 6 12345678", "0612345678", "nl91abna0417164300", "Jan Jansen", "jansen"],
)
def test_a_subject_is_found_by_any_identifier_in_any_common_format(
    loaded_db: Database, keyring: Keyring, register: Register, query: str
) -> None:
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"name": ["Piet Pieters"], "email": ["piet@example.nl"]},
            actor="test",
        )
        assert [s.id for s in find_subjects(session, keyring=keyring, query=query)] == [jan.id]


def test_an_unknown_query_finds_nobody(loaded_db: Database, keyring: Keyring, register: Register) -> None:
    with loaded_db.session_scope() as session:
        _jan(session, keyring, register)
        assert find_subjects(session, keyring=keyring, query="nobody@example.nl") == []


def test_an_invalid_identifier_is_refused_naming_the_field_not_the_value(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    with loaded_db.session_scope() as session, pytest.raises(InvalidIdentifier) as caught:
        create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"iban": ["NL00 BANK 0000 0000 01"]},
            actor="test",
        )
    assert caught.value.field == "iban"
    assert "NL00" not in str(caught.value)


@pytest.mark.parametrize(
    ("category", "purpose", "message"),
    [
        ("shoe_size", "payment", "category 'shoe_size' is not in the register"),
        ("email", "espionage", "purpose 'espionage' is not in the register"),
        ("bsn", "payment", "forbids"),
        ("bank_account", "service_contact", "does not use category"),
    ],
)
def test_a_record_the_register_does_not_allow_is_refused_at_the_door(
    loaded_db: Database, keyring: Keyring, register: Register, category: str, purpose: str, message: str
) -> None:
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        with pytest.raises(Refused, match=message):
            _add(
                session,
                keyring,
                register,
                jan,
                kind="contact",
                category=category,
                purpose=purpose,
                payload={"x": "y"},
            )


def test_a_bsn_in_a_value_is_refused(loaded_db: Database, keyring: Keyring, register: Register) -> None:
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        with pytest.raises(Refused, match="BSN"):
            _add(
                session,
                keyring,
                register,
                jan,
                kind="note",
                category="correspondence",
                purpose="service_contact",
                payload={"body": "111222333"},
            )


def test_a_fiscal_record_expires_seven_years_after_the_end_of_its_year(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    from datetime import date

    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        record = _add(
            session,
            keyring,
            register,
            jan,
            kind="invoice",
            category="invoices",
            purpose="tax",
            payload={"number": "2026-001", "amount": "121.00"},
            event_on=date(2026, 3, 5),
        )
        assert record.expires_on == date(2033, 12, 31)


def test_rectification_keeps_the_old_value_in_history(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        record = _add(
            session,
            keyring,
            register,
            jan,
            kind="contact",
            category="address",
            purpose="delivery",
            payload={"street": "Dorpsstraat 1", "city": "Dirksland"},
        )
        rectify_record(
            session, keyring=keyring, record_id=record.id, changes={"street": "Dorpsstraat 3"}, actor="t"
        )
        assert read_record(session, keyring=keyring, record=record)["street"] == "Dorpsstraat 3"
        view = subject_view(session, keyring=keyring, subject_id=jan.id, actor="t")
        assert view.purposes["delivery"][0].value["city"] == "Dirksland"


def test_destroying_the_key_makes_every_sealed_value_unreadable(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        record = _add(
            session,
            keyring,
            register,
            jan,
            kind="contact",
            category="bank_account",
            purpose="payment",
            payload={"iban": "NL91ABNA0417164300"},
        )
        destroy_subject_key(session, subject_id=jan.id, actor="t")
        with pytest.raises(KeyDestroyed):
            read_record(session, keyring=keyring, record=record)


def test_deleting_a_subject_removes_their_records_and_keeps_only_pseudonyms_in_the_audit_log(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        _add(
            session,
            keyring,
            register,
            jan,
            kind="contact",
            category="email",
            purpose="payment",
            payload={"email": "jan.jansen@example.nl"},
        )
        delete_subject(session, subject_id=jan.id, actor="t")
        assert session.execute(select(Record)).first() is None
        logged = " ".join(
            str(e.details) + str(e.target_id) for e in session.execute(select(AuditEntry)).scalars()
        )
        assert "jansen" not in logged.lower() and "NL91" not in logged


def test_the_sqlite_file_holds_no_plaintext_iban_name_or_email(
    db_url: str, loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("a raw-file check applies to SQLite")
    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        _add(
            session,
            keyring,
            register,
            jan,
            kind="contact",
            category="bank_account",
            purpose="payment",
            payload={"iban": "NL91ABNA0417164300"},
        )
    path = Path(db_url.removeprefix("sqlite:///"))
    raw = path.read_bytes() + (
        path.with_name(path.name + "-wal").read_bytes()
        if path.with_name(path.name + "-wal").exists()
        else b""
    )
    for secret in (b"NL91ABNA0417164300", b"jan.jansen@example.nl", b"jansen", b"+31612345678"):
        assert secret not in raw.lower()


def test_a_note_starts_its_last_contact_clock_when_it_is_stored_and_a_contact_list_waits_for_the_end(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    from datetime import date

    from privacydesk.store.base import utcnow

    with loaded_db.session_scope() as session:
        jan = _jan(session, keyring, register)
        note = _add(
            session,
            keyring,
            register,
            jan,
            kind="call_note",
            category="correspondence",
            purpose="service_contact",
            payload={"note": "Belde over de planning."},
        )
        today = utcnow().date()
        assert note.event_on == today
        assert note.expires_on == date(
            today.year + 2, today.month, today.day if (today.month, today.day) != (2, 29) else 28
        )
        contact = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer_contact",
            identifiers={"name": ["Kees Kok"]},
            owner_id=jan.id,
            actor="t",
        )
        entry = add_record(
            session,
            keyring=keyring,
            register=register,
            subject=contact,
            kind="contact_list_entry",
            category="name",
            purpose="customer_contacts",
            source="customer_app_import",
            payload={"name": "Kees Kok"},
            actor="t",
        )
        assert entry.expires_on is None  # until the customer relationship ends
