"""Web fixtures: the app on a test database, a browser-like client, and logging in as a named
member of staff (with the TOTP code for the roles that need one)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI

from privacydesk import auth
from privacydesk.config import Settings
from privacydesk.store.db import Database
from privacydesk.store.models.core import StaffUser
from privacydesk.web.app import create_app
from tests.conftest import Person

with warnings.catch_warnings():
    # Starlette's TestClient warns about its httpx transport on import; the client itself is fine.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
def app(settings: Settings, loaded_db: Database) -> FastAPI:
    return create_app(settings, loaded_db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def totp_secret(db: Database, person: Person) -> str | None:
    with db.session_scope(readonly=True) as session:
        user = session.get(StaffUser, person.id)
        assert user is not None
        return user.totp_secret


def submit_password(client: Any, person: Person, password: str | None = None) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": person.email, "password": password or person.password, "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )


@dataclass
class LoggedIn:
    """A client with a full staff session, and the session's CSRF token for forms."""

    client: Any
    csrf: str


def log_in(client: Any, db: Database, person: Person) -> LoggedIn:
    """Log `person` in through the real forms, enrolling TOTP when their role needs it."""
    response = submit_password(client, person)
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/login/code":
        page = client.get("/login/code")
        secret = totp_secret(db, person)
        assert secret
        response = client.post(
            "/login/code",
            data={"code": pyotp.TOTP(secret).now(), "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert response.headers.get("location") == "/admin", response.text
    today = client.get("/admin")
    assert today.status_code == 200
    return LoggedIn(client, csrf_of(today.text))


def issue_tokens(db: Database, owner: Person) -> dict[auth.Role, str]:
    """One API token per role, all issued by the owner (who may issue any role)."""
    secrets: dict[auth.Role, str] = {}
    with db.session_scope() as session:
        user = session.get(StaffUser, owner.id)
        assert user is not None
        for role in auth.Role:
            issued = auth.create_api_token(session, user=user, name=f"{role} test", role=role, actor="test")
            secrets[role] = issued.secret
    return secrets


JAN = {"name": ["Jan Jansen"], "email": ["jan.jansen@example.nl"], "phone": ["06-12345678"]}


def add_jan(db: Database, settings: Settings) -> str:
    """A customer with one correspondence record; returns their pseudonymous ref."""
    from privacydesk.register.service import current_register
    from privacydesk.store.crypto import Keyring
    from privacydesk.subjects import add_record, create_subject

    keyring = Keyring.from_settings(settings)
    with db.session_scope() as session:
        _, register = current_register(session)
        jan = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers=JAN,
            actor="test",
        )
        add_record(
            session,
            keyring=keyring,
            register=register,
            subject=jan,
            kind="note",
            category="correspondence",
            purpose="service_contact",
            source="data_subject",
            payload={"body": "Please call me back on Tuesday"},
            actor="test",
        )
        return jan.ref
