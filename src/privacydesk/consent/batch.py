"""Group commit for banner decisions: many small posts become one transaction.

Each request hands its ledger rows to the writer and waits for the commit; the writer thread
collects whatever arrived meanwhile (up to `max_batch` posts), inserts it all in one transaction
with one audit entry for the batch, then wakes every waiting request. A request is answered as
accepted only after its rows are committed, so every accepted post is in the ledger. The thread
starts on demand and stops after a quiet spell.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import defaultdict
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.store.db import Database
from privacydesk.store.models.consent import ConsentEvent

log = logging.getLogger("privacydesk.consent")
Rows = list[dict[str, Any]]
Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]
Item = tuple[Rows, Waiter]


def write_banner_rows(session: Session, *, rows: Rows, posts: int, actor: str = "system:banner") -> None:
    """Insert the rows of `posts` banner decisions and write one audit entry naming the batch."""
    if rows:
        session.execute(insert(ConsentEvent), rows)
    audit.record(
        session,
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


def _settle(waiters: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for future in waiters:
        if future.done():
            continue  # the request was cancelled (client went away)
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


class GroupCommitWriter:
    """One writer thread per database: `await submit(rows)` returns once the rows are committed.

    Waking the event loop from another thread costs a system call, so the writer wakes each loop
    once per batch, not once per request."""

    def __init__(self, db: Database, *, max_batch: int = 2000, idle_seconds: float = 10.0) -> None:
        self.db = db
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._queue: queue.Queue[Item] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

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
        while True:
            batch = self._take()
            if batch is None:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            self._commit(batch)

    def _commit(self, batch: list[Item]) -> None:
        rows = [row for item_rows, _ in batch for row in item_rows]
        error: BaseException | None = None
        try:
            with self.db.session_scope() as session:
                write_banner_rows(session, rows=rows, posts=len(batch))
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear of the failure
            log.error("consent batch of %d posts failed: %s", len(batch), type(exc).__name__)
            error = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = defaultdict(list)
        for _, (loop, future) in batch:
            by_loop[loop].append(future)
        for loop, waiters in by_loop.items():
            if not loop.is_closed():
                loop.call_soon_threadsafe(_settle, waiters, error)
