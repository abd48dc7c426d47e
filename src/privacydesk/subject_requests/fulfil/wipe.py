"""Leave no readable copy of erased data where the system wrote it: database file, WAL, exports.

SQLite runs with `secure_delete=ON` (store/db.py), so deleted cells and freed pages are zeroed in
the pages that are written; but until a checkpoint, the old page images stay in the write-ahead
log. `scrub_storage` runs after the erasure's commit: a TRUNCATE checkpoint copies the zeroed
pages into the database file and empties the WAL. On PostgreSQL, dead rows stay in their pages
until vacuumed and overwritten; there the guarantee is the destroyed data key (crypto-shredding),
and `scrub_storage` vacuums the store's tables so the space is reused.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, text

STORE_TABLES = ("records", "record_history", "identifiers", "messages", "subject_keys")


def scrub_storage(engine: Engine, *, attempts: int = 20) -> bool:
    """Flush erased pages out of the WAL (SQLite) or vacuum (PostgreSQL); True when complete."""
    if engine.dialect.name == "sqlite":
        return _checkpoint(engine, attempts)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in STORE_TABLES:
            conn.execute(text(f"VACUUM {table}"))
    return True


def _checkpoint(engine: Engine, attempts: int) -> bool:
    # A reader holding an old snapshot keeps the checkpoint from finishing; wait for it a little.
    for _ in range(attempts):
        with engine.connect() as conn:
            # On the raw connection (autocommit), outside any transaction of our own.
            cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.close()
        if busy == 0:
            return True
        time.sleep(0.05)
    return False


def remove_exports(out_dir: Path, ref: str) -> list[Path]:
    """Delete every export file of subject `ref` in `out_dir` (they are named `<kind>-<ref>-<time>.zip`)."""
    if not out_dir.is_dir():
        return []
    found = sorted(out_dir.glob(f"*-{ref}-*.zip"))
    for path in found:
        path.unlink(missing_ok=True)
    return found
