"""Retention fixtures: a keyring, and people with records whose clocks run out on known days."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from privacydesk import subjects
from privacydesk.config import Settings
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.store.models.subjects import Record, Subject

TODAY = date(2027, 6, 1)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared template, with the WAL folded in over plain sqlite3 (SQLAlchemy 2.1 would open a
    transaction first, inside which SQLite refuses the checkpoint)."""
    path = tmp_path_factory.mktemp("retention-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate(db)
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


@dataclass(frozen=True)
class Person:
    id: int
    ref: str


def add_person(
    db: Database,
    keyring: Keyring,
    *,
    email: str,
    records: list[tuple[str, str, str, dict[str, Any], date | None]],
    subject_type: str = "customer",
    relationship_ended_on: date | None = None,
    last_contact_on: date | None = None,
) -> Person:
    """A subject with records given as (kind, category, purpose, payload, event_on)."""
    with db.session_scope() as session:
        _, register = current_register(session)
        person = subjects.create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type=subject_type,
            identifiers=[("email", email)],
            actor="test",
        )
        person.relationship_ended_on, person.last_contact_on = relationship_ended_on, last_contact_on
        for kind, category, purpose, payload, event_on in records:
            subjects.add_record(
                session,
                keyring=keyring,
                register=register,
                subject=person,
                kind=kind,
                category=category,
                purpose=purpose,
                source="data_subject",
                payload=payload,
                event_on=event_on,
                actor="test",
            )
        session.flush()
        return Person(person.id, person.ref)


def invoice(number: int, on: date, amount: int = 100) -> tuple[str, str, str, dict[str, Any], date]:
    """An invoice (fiscal rule: 7 years after the end of its year, then anonymised)."""
    return (
        "invoice",
        "invoices",
        "payment",
        {"number": f"F{number}", "date": on.isoformat(), "amount": amount},
        on,
    )


def note(text: str, on: date) -> tuple[str, str, str, dict[str, Any], date]:
    """A call note (correspondence rule: 2 years after the last contact, then deleted)."""
    return ("call_note", "correspondence", "service_contact", {"text": text}, on)


def records_of(db: Database, person: Person) -> list[tuple[int, str, date | None]]:
    with db.session_scope(readonly=True) as session:
        rows = session.execute(
            select(Record.id, Record.purpose, Record.expires_on)
            .where(Record.subject_id == person.id)
            .order_by(Record.id)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def exists(db: Database, person: Person) -> bool:
    with db.session_scope(readonly=True) as session:
        return session.execute(select(Subject.id).where(Subject.id == person.id)).first() is not None
