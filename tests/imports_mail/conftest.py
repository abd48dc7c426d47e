"""Mail-import fixtures: a store with two known customers, the CLI against it, mailboxes to import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subjects import create_subject
from tests.conftest import OCQTO_REGISTER

JAN = {"name": ["Jan Jansen"], "email": ["jan@example.nl"], "phone": ["06-12345678"]}
PIET = {"name": ["Piet Pieters"], "email": ["piet@example.nl"], "iban": ["NL91ABNA0417164300"]}


@dataclass
class People:
    jan: int
    piet: int
    jan_ref: str
    piet_ref: str


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


@pytest.fixture
def register() -> Register:
    return load_register(OCQTO_REGISTER).register


@pytest.fixture
def people(loaded_db: Database, keyring: Keyring, register: Register) -> People:
    with loaded_db.session_scope() as session:
        jan, piet = (
            create_subject(
                session,
                keyring=keyring,
                register=register,
                subject_type="customer",
                identifiers=ids,
                actor="test",
            )
            for ids in (JAN, PIET)
        )
        return People(jan.id, piet.id, jan.ref, piet.ref)


@pytest.fixture
def store_cli(cli, settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The CLI against the test database, with its master key."""
    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(settings.key_file))

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return cli("--db", settings.database_url, *args)

    return invoke


def message(n: int, sender: str, to: str, body: str, *, attachment: bool = False) -> str:
    """One mbox entry (From_ line included)."""
    head = (
        f"From {sender} Mon Mar  4 10:00:00 2024\nFrom: <{sender}>\nTo: <{to}>\nSubject: Vraag {n}\n"
        f"Date: Mon, 4 Mar 2024 10:0{n}:00 +0100\nMessage-ID: <m{n}@example.org>\n"
    )
    if not attachment:
        return head + f"Content-Type: text/plain; charset=utf-8\n\n{body}\n\n"
    return head + (
        f'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b{n}"\n\n'
        f"--b{n}\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
        f'--b{n}\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="factuur.pdf"\n'
        f"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b{n}--\n\n"
    )


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.mbox"
    path.write_text(
        message(1, "jan@example.nl", "hallo@ocqto.nl", "Betaald van NL91 ABNA 0417 1643 00.", attachment=True)
        + message(2, "onbekend@example.com", "hallo@ocqto.nl", "Niemand die we kennen.")
        + message(3, "hallo@ocqto.nl", "piet@example.nl", "Uw BSN 111222333 hoeven wij niet.")
    )
    return path
