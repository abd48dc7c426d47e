"""Request fixtures: the keyring, Ocqto's register, a local SMTP server, and people in the store —
including people who share a name, a household e-mail address or a phone number."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subjects import create_subject
from tests.conftest import OCQTO_REGISTER
from tests.outbox.conftest import Mailbox
from tests.outbox.conftest import smtp_server as smtp_server  # noqa: F401  (re-exported fixture)

BASE_URL = "https://portal.example"


@pytest.fixture
def keyring(settings: Settings) -> Keyring:
    return Keyring.from_settings(settings)


@pytest.fixture(scope="session")
def register() -> Register:
    return load_register(OCQTO_REGISTER).register


@dataclass(frozen=True)
class People:
    """Subject refs by nickname."""

    jan: str
    piet: str  # shares familie@… and a phone with marie
    marie: str
    jan_namesake: str  # another Jan Jansen, with his own address
    phone_only: str


@pytest.fixture
def people(loaded_db: Database, keyring: Keyring, register: Register) -> People:
    specs = {
        "jan": {
            "name": ["Jan Jansen"],
            "email": ["jan.jansen@example.nl"],
            "address": ["Dorpsstraat 1, Dirksland"],
        },
        "piet": {
            "name": ["Piet de Vries"],
            "email": ["familie@example.nl"],
            "phone": ["0612345678"],
            "address": ["Kerkweg 3, Dirksland"],
        },
        "marie": {
            "name": ["Marie de Vries"],
            "email": ["familie@example.nl"],
            "phone": ["0612345678"],
            "address": ["Kerkweg 3, Dirksland"],
        },
        "jan_namesake": {"name": ["Jan Jansen"], "email": ["j.jansen@example.org"]},
        "phone_only": {"name": ["Kees Bel"], "phone": ["0687654321"]},
    }
    refs: dict[str, str] = {}
    with loaded_db.session_scope() as session:
        for nick, identifiers in specs.items():
            subject = create_subject(
                session,
                keyring=keyring,
                register=register,
                subject_type="customer",
                identifiers=identifiers,
                actor="test",
            )
            refs[nick] = subject.ref
    return People(**refs)


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Iterator[Mailbox]:  # noqa: F811
    yield smtp_server


@pytest.fixture
def portal(settings: Settings, loaded_db: Database) -> Iterator[Any]:
    """A TestClient on the whole app, with Ocqto's register in force."""
    import warnings

    from privacydesk.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette warns about its httpx transport on import
        from fastapi.testclient import TestClient

    with TestClient(create_app(settings, loaded_db), base_url="http://testserver") as client:
        yield client


def api_token(db: Database, email: str, role: str) -> str:
    """A fresh staff account of `role` with an API token; returns the token."""
    from privacydesk import auth

    with db.session_scope() as session:
        user = auth.add_user(
            session, email=email, role=auth.Role(role), password="correct horse battery staple", actor="test"
        )
        return auth.create_api_token(
            session, user=user, name="test", role=auth.Role(role), actor="test"
        ).secret
