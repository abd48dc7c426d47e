"""A customer of Ocqto in the real store: identifiers, records under several purposes, an invoice
under the fiscal duty, an e-mail, a consent, a contact list she gave us, and a namesake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.consent import ledger
from privacydesk.consent.keys import bind_settings
from privacydesk.correspondence import MessageIn, store_message
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subjects import add_record, create_subject

EMAIL = "marieke.devries@example.nl"
PHONE = "+31612345678"
IBAN = "NL91ABNA0417164300"
NAME = "Marieke de Vries"
CONTACT_EMAIL = "piet.jansen@example.org"
NAMESAKE_EMAIL = "m.devries@example.com"


@dataclass(frozen=True)
class Store:
    db: Database
    keyring: Keyring
    register: Register
    settings: Settings
    marieke: int
    contact: int
    namesake: int

    def session(self) -> Session:
        return self.db.session_scope().__enter__()


def _records(session: Session, keyring: Keyring, register: Register, subject) -> None:  # type: ignore[no-untyped-def]
    def add(**kw: object) -> None:
        add_record(
            session,
            keyring=keyring,
            register=register,
            subject=subject,
            source="data_subject",
            actor="test",
            **kw,
        )  # type: ignore[arg-type]

    add(kind="contact", category="name", purpose="service_contact", payload={"name": NAME})
    add(kind="contact", category="email", purpose="service_contact", payload={"email": EMAIL})
    add(kind="contact", category="phone", purpose="service_contact", payload={"phone": PHONE})
    add(
        kind="contact",
        category="address",
        purpose="delivery",
        payload={"street": "Kerkstraat 12", "postcode": "3247 AB", "city": "Dirksland"},
    )
    add(kind="contact", category="email", purpose="newsletter", payload={"email": EMAIL})
    add(
        kind="invoice",
        category="invoices",
        purpose="payment",
        event_on=date(2025, 3, 1),
        payload={
            "number": "2025-0042",
            "amount": "121.00",
            "name": NAME,
            "iban": IBAN,
            "address": "Kerkstraat 12, 3247 AB Dirksland",
        },
    )
    add(
        kind="note",
        category="correspondence",
        purpose="service_contact",
        payload={"note": "Belde over de levering; wil facturen per e-mail."},
    )


def _message(session: Session, keyring: Keyring, register: Register, subject) -> None:  # type: ignore[no-untyped-def]
    message = MessageIn(
        fingerprint="msg-0001",
        sent_at=datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
        direction="in",
        channel="email",
        content={
            "subject": "Vraag over factuur 2025-0042",
            "from": f"{NAME} <{EMAIL}>",
            "to": ["hallo@ocqto.nl"],
            "body": "Beste Ocqto, klopt dit bedrag?",
            "attachments": [{"name": "factuur.pdf", "size": 2048}],
        },
    )
    store_message(
        session,
        keyring=keyring,
        register=register,
        message=message,
        links=[(subject, "from")],
        purpose="service_contact",
        actor="test",
    )


def _consent(session: Session, subject_id: int) -> None:
    notice = ledger.notice_for(session, text="Nieuwsbrief aanmelden", language="nl")
    ledger.record_consent(
        session,
        subject_id=subject_id,
        purpose="newsletter",
        state=ledger.ConsentState.GIVEN,
        channel=ledger.Channel.FORM,
        notice=notice,
        actor="test",
    )


@pytest.fixture
def store(loaded_db: Database, settings: Settings) -> Store:
    keyring = Keyring.from_settings(settings)
    with loaded_db.session_scope() as session:
        bind_settings(session, settings)
        _, register = current_register(session)
        marieke = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"name": [NAME], "email": [EMAIL], "phone": [PHONE], "iban": [IBAN]},
            actor="test",
        )
        _records(session, keyring, register, marieke)
        _message(session, keyring, register, marieke)
        _consent(session, marieke.id)
        contact = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer_contact",
            identifiers={"name": ["Piet Jansen"], "email": [CONTACT_EMAIL]},
            owner_id=marieke.id,
            actor="test",
        )
        add_record(
            session,
            keyring=keyring,
            register=register,
            subject=contact,
            kind="contact_list_entry",
            category="contact_list",
            purpose="customer_contacts",
            source="customer_app_import",
            payload={"name": "Piet Jansen", "email": CONTACT_EMAIL},
            actor="test",
        )
        namesake = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"name": [NAME], "email": [NAMESAKE_EMAIL], "phone": [PHONE]},
            actor="test",
        )
        add_record(
            session,
            keyring=keyring,
            register=register,
            subject=namesake,
            kind="contact",
            category="address",
            purpose="delivery",
            payload={"street": "Dorpsweg 99"},
            source="data_subject",
            actor="test",
        )
        ids = (marieke.id, contact.id, namesake.id)
    return Store(loaded_db, keyring, register, settings, *ids)
