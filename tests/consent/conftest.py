"""Consent fixtures: a session bound to the test settings (for the suppression key)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.store.db import Database
from privacydesk.web.app import create_app
from tests.consent.testsite import migrated_sqlite

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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (see testsite.migrated_sqlite)."""
    return migrated_sqlite(tmp_path_factory.mktemp("consent-template") / "template.db")


@pytest.fixture
def client(settings: Settings, loaded_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, loaded_db), raise_server_exceptions=False) as test_client:
        yield test_client
