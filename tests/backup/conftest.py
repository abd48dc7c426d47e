"""Backup fixtures: the master key, a few subjects with sealed records, and the erasure-log path."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from privacydesk.config import Settings
from privacydesk.keyfile import load_master_key
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared template, with the WAL folded in over plain sqlite3 (SQLAlchemy 2.1 would open a
    transaction first, inside which SQLite refuses the checkpoint)."""
    path = tmp_path_factory.mktemp("backup-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate(db)
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def master_key(settings: Settings) -> bytes:
    return load_master_key(settings)


@pytest.fixture
def keyring(master_key: bytes) -> Keyring:
    return Keyring.from_master(master_key)


@pytest.fixture
def erasure_log(tmp_path: Path) -> Path:
    return tmp_path / "data" / "erasure-log.jsonl"


def add_person(db: Database, keyring: Keyring, email: str, amount: int) -> str:
    """A customer with an e-mail address and one invoice; returns their pseudonymous ref."""
    from privacydesk import subjects

    with db.session_scope() as session:
        _, register = current_register(session)
        person = subjects.create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers=[("email", email)],
            actor="test",
        )
        subjects.add_record(
            session,
            keyring=keyring,
            register=register,
            subject=person,
            kind="invoice",
            category="invoices",
            purpose="payment",
            source="data_subject",
            payload={"number": f"F-{amount}", "amount": amount, "date": "2024-03-01"},
            event_on=date(2024, 3, 1),
            actor="test",
        )
        return person.ref
