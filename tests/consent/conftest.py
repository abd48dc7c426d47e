"""Consent fixtures: a session bound to the test settings (for the suppression key)."""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.store.db import Database, migrate
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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test.

    Same as the shared fixture, but the WAL is folded in through a plain sqlite3 connection:
    through the engine, SQLAlchemy 2.1 opens a transaction first (BEGIN IMMEDIATE in store.db),
    inside which SQLite refuses the checkpoint ("database table is locked").
    """
    path = tmp_path_factory.mktemp("consent-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate(db)
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def client(settings: Settings, loaded_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, loaded_db), raise_server_exceptions=False) as test_client:
        yield test_client
