"""Group commit for banner decisions: many small posts become one transaction.

Each request hands its ledger rows to the writer and waits for the commit; the writer thread
collects whatever arrived meanwhile (up to `max_batch` posts), inserts it all in one transaction
with one audit entry for the batch, then wakes every waiting request. A request is answered as
accepted only after its rows are committed, so every accepted post is in the ledger. The thread
starts on demand and stops after a quiet spell.

On SQLite the writer keeps one connection of its own with automatic WAL checkpoints off, and a
second thread checkpoints (PASSIVE) every `checkpoint_seconds`: a checkpoint inside a commit held
every waiting request for its duration, which made the slowest answers ten times the median.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.store.db import Database
from privacydesk.store.models.consent import ConsentEvent

log = logging.getLogger("privacydesk.consent")
Rows = list[dict[str, Any]]
Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]
Item = tuple[Rows, Waiter]
# A checkpoint pass that finds fewer new frames than this is close enough for the writer to finish.
CHECKPOINT_RESIDUE = 200
CHECKPOINT_PASSES = 4
LOCK_WAIT = 30.0  # seconds a batch waits for SQLite's write lock, as busy_timeout does elsewhere
LOCK_RETRY = 0.0005
WRITER_CACHE_KIB = 64 * 1024


COLUMNS = (
    "record_id", "subject_id", "visitor_id", "purpose", "state", "ground", "channel", "at", "expires_at",
    "register_version", "consent_revision", "notice_hash", "language", "evidence", "ip_prefix", "actor",
)  # fmt: skip
SQLITE_CHUNK = 1000  # rows per statement: 16,000 parameters, under SQLite's 32,766


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it on SQLite: UTC timestamps as text, dicts as JSON."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return json.dumps(value) if isinstance(value, dict) else value


def _insert_rows(session: Session, rows: Rows) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        # A Core insert of the table: the ORM's bulk path cost twice as much per row, for nothing here.
        session.execute(insert(cast(Table, ConsentEvent.__table__)), rows)
        return
    # SQLite: one multi-row INSERT through the driver. An executemany steps once per row, giving up the
    # GIL each time, and the busy event loop kept the writer (holding the write lock) waiting for it.
    for start in range(0, len(rows), SQLITE_CHUNK):
        chunk = rows[start : start + SQLITE_CHUNK]
        marks = ", ".join(["(" + ", ".join("?" * len(COLUMNS)) + ")"] * len(chunk))
        values = tuple(_sqlite_value(row[name]) for row in chunk for name in COLUMNS)
        connection.exec_driver_sql(
            f"INSERT INTO consent_events ({', '.join(COLUMNS)}) VALUES {marks}", values
        )


def write_banner_rows(session: Session, *, rows: Rows, posts: int, actor: str = "system:banner") -> None:
    """Insert the rows of `posts` banner decisions and write one audit entry naming the batch."""
    if rows:
        _insert_rows(session, rows)
    entry = audit.NewEntry(
        action=audit.Action.CONSENT_RECORDED,
        actor=actor,
        target_type="consent_batch",
        target_id=rows[0]["record_id"] if rows else None,
        details={
            "posts": posts,
            "events": len(rows),
            "first": rows[0]["record_id"] if rows else None,
            "last": rows[-1]["record_id"] if rows else None,
        },
    )
    audit.record_many(session, [entry])


def _settle(waiters: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in waiters:
        if future.done():
            continue  # the request was cancelled (client went away)
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


def _checkpoint(dbapi_connection: Any) -> tuple[int, int]:
    """Copy what the WAL holds into the database file without waiting for anyone (PASSIVE);
    returns the frames in the WAL and how many of them are now copied."""
    _, frames, copied = dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(frames), int(copied)


class GroupCommitWriter:
    """One writer thread per database: `await submit(rows)` returns once the rows are committed.

    Waking the event loop from another thread costs a system call, so the writer wakes each loop
    once per batch, not once per request."""

    def __init__(
        self,
        db: Database,
        *,
        max_batch: int = 2000,
        idle_seconds: float = 10.0,
        checkpoint_seconds: float = 0.5,
    ) -> None:
        self.db = db
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self.checkpoint_seconds = checkpoint_seconds
        self._queue: queue.Queue[Item] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._caught_up = threading.Event()

    def submit(self, rows: Rows) -> asyncio.Future[None]:
        """Queue `rows`; the returned future (of the running loop) resolves after the commit."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put((rows, (loop, future)))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="consent-writer", daemon=True)
                self._thread.start()
        return future

    def _take(self) -> list[Item] | None:
        try:
            batch = [self._queue.get(timeout=self.idle_seconds)]
        except queue.Empty:
            return None
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        with self._checkpoints():
            connection: Connection | None = None
            try:
                while True:
                    batch = self._take()
                    if batch is None:
                        with self._lock:
                            if self._queue.empty():
                                self._thread = None
                                return
                        continue
                    connection = self._commit(connection, batch)
                    if connection is not None:
                        self._finish(connection)
            finally:
                if connection is not None:
                    connection.close()

    def _connect(self) -> Connection:
        """The writer's own connection, out of the pool: its settings never reach other work."""
        connection = self.db.engine.connect()
        connection.detach()
        if self.db.is_sqlite:
            driver = connection.connection.dbapi_connection
            driver.execute("PRAGMA wal_autocheckpoint=0")  # type: ignore[union-attr]
            driver.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]  # see _transaction
            # Each post lands on a random page of the visitor index; SQLite's default 2 MB cache
            # held too few of them once the ledger had grown, and every miss is a read.
            driver.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")  # type: ignore[union-attr]
        return connection

    @contextmanager
    def _checkpoints(self) -> Iterator[None]:
        """While the writer runs on SQLite, checkpoint the WAL from a second thread."""
        if not self.db.is_sqlite:
            yield
            return
        stop = threading.Event()
        thread = threading.Thread(target=self._checkpoint_loop, args=(stop,), name="consent-checkpoint")
        thread.daemon = True
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _checkpoint_loop(self, stop: threading.Event) -> None:
        while True:
            stopping = stop.wait(self.checkpoint_seconds)
            try:
                self._catch_up()
            except Exception as exc:  # noqa: BLE001 - the next pass (or SQLite itself) catches up
                log.warning("WAL checkpoint failed: %s", type(exc).__name__)
            if stopping:
                return
            self._caught_up.set()

    def _catch_up(self) -> None:
        """Checkpoint until a pass finds little new; the writer then copies the rest (see _finish)."""
        raw = self.db.engine.raw_connection()
        try:
            frames = -CHECKPOINT_RESIDUE
            for _ in range(CHECKPOINT_PASSES):
                before, (frames, _) = frames, _checkpoint(raw.dbapi_connection)
                if frames - before < CHECKPOINT_RESIDUE:
                    break
        finally:
            raw.close()

    def _finish(self, connection: Connection) -> None:
        """After a catch-up pass, copy the few frames committed meanwhile, so that the next commit
        starts the WAL file over instead of growing it (it can only restart when all is copied)."""
        if not self._caught_up.is_set():
            return
        self._caught_up.clear()
        try:
            _checkpoint(connection.connection.dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - the batch is committed; the next pass catches up
            log.warning("WAL checkpoint failed: %s", type(exc).__name__)

    def _transaction(self, connection: Connection, rows: Rows, *, posts: int) -> None:
        """Write the batch in one transaction, retrying while another process holds SQLite's lock.

        SQLite's own busy handler sleeps 1, 2, 5, 10 … 100 ms between tries, so a writer that lost a
        few races to a second `serve` process slept 100 ms and more; this one retries every half ms.
        """
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                with Session(bind=connection) as session, session.begin():
                    write_banner_rows(session, rows=rows, posts=posts)
                return
            except OperationalError as exc:
                busy = getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(LOCK_RETRY)

    def _commit(self, connection: Connection | None, batch: list[Item]) -> Connection | None:
        """Commit one batch and wake its requests, with the error if it failed (none may be left
        waiting). Returns the connection for the next batch: None after a failure, to start over."""
        rows = [row for item_rows, _ in batch for row in item_rows]
        error: BaseException | None = None
        try:
            connection = connection or self._connect()
            self._transaction(connection, rows, posts=len(batch))
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear of the failure
            log.error("consent batch of %d posts failed: %s", len(batch), type(exc).__name__)
            error = exc
            if connection is not None:
                with suppress(Exception):
                    connection.close()
            connection = None
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = defaultdict(list)
        for _, (loop, future) in batch:
            by_loop[loop].append(future)
        for loop, waiters in by_loop.items():
            if not loop.is_closed():
                loop.call_soon_threadsafe(_settle, waiters, error)
        return connection
