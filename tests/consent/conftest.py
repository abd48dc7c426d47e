"""Consent fixtures: a session bound to the test settings (for the suppression key)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.requests import OutboxMessage
from privacydesk.subjects import create_subject
from privacydesk.web.app import create_app

with warnings.catch_warnings():
    # Starlette's TestClient warns about its httpx transport on import; the client itself is fine.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

Scope = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def scope(loaded_db: Database, settings: Settings) -> Scope:
    """Open one transaction on the test database, bound to the test settings."""

    @contextmanager
    def open_scope() -> Iterator[Session]:
        with loaded_db.session_scope() as session:
            yield bind_settings(session, settings)

    return open_scope


@pytest.fixture
def client(settings: Settings, loaded_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, loaded_db), raise_server_exceptions=False) as test_client:
        yield test_client


def last_mail(db: Database, to: str) -> OutboxMessage:
    """The newest message queued in the outbox for `to`."""
    with db.session_scope() as session:
        found = session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.to_addr == to)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).scalar_one()
        session.expunge(found)
        return found


def link_in(mail: OutboxMessage, path: str) -> str:
    """The token of the first link to `path` in a mail's text."""
    found = re.search(re.escape(path) + r"/([A-Za-z0-9_\-.]+)", mail.body_text)
    assert found, f"no {path} link in the mail"
    return found.group(1)


@pytest.fixture
def customer(scope: Scope, settings: Settings) -> int:
    """A customer (subject id) with an e-mail address."""
    with scope() as session:
        _, reg = current_register(session)
        subject = create_subject(
            session,
            keyring=Keyring.from_settings(settings),
            register=reg,
            subject_type="customer",
            identifiers={"email": ["klant@example.nl"], "name": ["Karin Klant"]},
            actor="test",
        )
        return subject.id
