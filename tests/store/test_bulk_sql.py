"""The store's helpers for set-based bulk work: `among` (one bound value for thousands of ids)
and `bulk_writer` (a long job's own connection, whose checkpoint setting stays its own)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, func, insert, select

from privacydesk.store.db import BULK_CHECKPOINT_BYTES, Database, among, migrate
from privacydesk.store.models.retention import RetentionQueue, RetentionRun


def _queue(db: Database, n: int) -> int:
    with db.session_scope() as session:
        run = RetentionRun(today=func.current_date(), actor="test", register_version=1)
        session.add(run)
        session.flush()
        rows = [{"run_id": run.id, "subject_id": i} for i in range(1, n + 1)]
        session.execute(insert(RetentionQueue), rows)
        return run.id


def test_among_selects_and_deletes_exactly_the_given_ids_beyond_any_parameter_limit(db: Database) -> None:
    run_id = _queue(db, 80_000)
    chosen = list(range(2, 80_001, 2))  # 40,000 ids: more than SQLite's 32,766 bound parameters
    with db.session_scope() as session:
        found = session.execute(
            select(func.count()).where(
                RetentionQueue.run_id == run_id, among(session, RetentionQueue.subject_id, chosen)
            )
        ).scalar_one()
        assert found == len(chosen)
        session.execute(delete(RetentionQueue).where(among(session, RetentionQueue.subject_id, chosen)))
    with db.session_scope(readonly=True) as session:
        left = set(session.execute(select(RetentionQueue.subject_id)).scalars())
    assert len(left) == 80_000 - len(chosen)
    assert left.isdisjoint(chosen) and 1 in left and 79_999 in left


def test_among_an_empty_list_matches_nothing(db: Database) -> None:
    _queue(db, 10)
    with db.session_scope(readonly=True) as session:
        found = session.execute(
            select(func.count()).where(among(session, RetentionQueue.subject_id, []))
        ).scalar_one()
    assert found == 0


def test_the_bulk_writers_checkpoint_setting_never_reaches_the_shared_pool(db: Database) -> None:
    if not db.is_sqlite:
        with db.bulk_writer() as bulk:
            assert bulk is db  # PostgreSQL has no WAL checkpoint to tune: the same handle
        return
    with db.bulk_writer() as bulk, bulk.session_scope() as session:
        pragma = session.connection().exec_driver_sql
        assert pragma("PRAGMA wal_autocheckpoint").scalar() * pragma("PRAGMA page_size").scalar() == (
            BULK_CHECKPOINT_BYTES
        )
    with db.session_scope() as session:
        assert session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_a_new_sqlite_database_has_16_kib_pages(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    migrate(db)
    with db.session_scope(readonly=True) as session:
        assert session.connection().exec_driver_sql("PRAGMA page_size").scalar() == 16384
    db.dispose()
