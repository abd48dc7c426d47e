"""Fixtures for the statement tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacydesk.store.db import Database, migrate


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test.

    Same as the shared fixture, but checkpoints the WAL outside a transaction: the engine's
    `begin` hook opens BEGIN IMMEDIATE, inside which SQLite refuses a checkpoint ("table is locked").
    """
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate(db)
    raw = db.engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    db.dispose()
    return path
