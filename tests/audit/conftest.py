"""Audit fixtures: a chain of entries, and an attacker's hand that bypasses the append-only triggers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from privacydesk import audit
from privacydesk.store.db import Database, migrate


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared template, with the WAL folded in over plain sqlite3 (SQLAlchemy 2.1 would open a
    transaction first, inside which SQLite refuses the checkpoint)."""
    path = tmp_path_factory.mktemp("audit-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate(db)
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def write_chain(db: Database, n: int) -> None:
    """`n` entries, as the application writes them."""
    with db.session_scope() as session:
        for i in range(n):
            audit.record(
                session,
                action=audit.Action.RECORD_CREATED,
                actor="user:1",
                target_type="record",
                target_id=i,
                details={"n": i, "kind": "invoice", "note": "é ü"},
            )


@pytest.fixture
def chain(db: Database) -> Database:
    write_chain(db, 12)
    return db


@contextmanager
def _attacker(db: Database) -> Iterator[Connection]:
    # An attacker with database access: drops the SQLite triggers (a file per test), or on the
    # shared PostgreSQL server switches them off for this connection only (replica mode).
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entries_no_delete")
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield conn


@pytest.fixture
def tamper(chain: Database) -> Callable[[str, dict[str, object]], None]:
    def run(sql: str, params: dict[str, object]) -> None:
        with _attacker(chain) as conn:
            conn.execute(text(sql), params)

    return run
