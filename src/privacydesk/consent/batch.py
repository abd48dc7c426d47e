"""Group commit for banner decisions: many small posts become one transaction.

Each request hands its ledger rows to the writer and waits for the commit; the writer thread
collects whatever arrived meanwhile (up to `max_batch` posts), inserts it all in one transaction
with one audit entry for the batch, then wakes every waiting request. A request is answered as
accepted only after its rows are committed, so every accepted post is in the ledger. The thread
starts on demand and stops after a quiet spell.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.store.db import Database
from privacydesk.store.models.consent import ConsentEvent

log = logging.getLogger("privacydesk.consent")
Rows = list[dict[str, Any]]


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


class GroupCommitWriter:
    """One writer thread per database: `submit(rows)` returns a Future that resolves on commit."""

    def __init__(self, db: Database, *, max_batch: int = 2000, idle_seconds: float = 10.0) -> None:
        self.db = db
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._queue: queue.Queue[tuple[Rows, Future[None]]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, rows: Rows) -> Future[None]:
        future: Future[None] = Future()
        self._queue.put((rows, future))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="consent-writer", daemon=True)
                self._thread.start()
        return future

    def _take(self) -> list[tuple[Rows, Future[None]]] | None:
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

    def _commit(self, batch: list[tuple[Rows, Future[None]]]) -> None:
        rows = [row for item_rows, _ in batch for row in item_rows]
        try:
            with self.db.session_scope() as session:
                write_banner_rows(session, rows=rows, posts=len(batch))
        except Exception as exc:  # noqa: BLE001 - every waiting request must hear of the failure
            log.error("consent batch of %d posts failed: %s", len(batch), type(exc).__name__)
            for _, future in batch:
                future.set_exception(exc)
            return
        for _, future in batch:
            future.set_result(None)
