"""Daily jobs inside `privacydesk serve`: the retention run at `retention_run_at` (local time).

Wiring (in `serve`, after `create_app`): `start_scheduler(app)`; it reads `app.state.db` and
`app.state.settings`, returns the running `Scheduler` (or None when `scheduler_enabled` is off) and
keeps it as `app.state.scheduler`; `scheduler.stop()` ends it (it is a daemon thread, so it never
holds up an exit). With several `serve` instances on PostgreSQL, each job runs under an advisory
lock (`store.db.advisory_lock`), so only one instance runs it, and only once per day.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from privacydesk import backup
from privacydesk.config import Settings
from privacydesk.errors import PrivacydeskError, UnusableInput
from privacydesk.retention.run import RunSummary, run_retention
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, advisory_lock
from privacydesk.store.models.retention import RetentionRun
from privacydesk.subject_requests.identity import purge_stale_id_documents

log = logging.getLogger("privacydesk.scheduler")
RETENTION_LOCK = "privacydesk.retention.run"
ACTOR = "system:scheduler"


def parse_run_at(value: str) -> time:
    """'03:00' -> 03:00; refuses anything else with the setting's name."""
    try:
        hours, minutes = (int(part) for part in value.split(":"))
        return time(hours, minutes)
    except ValueError:
        raise UnusableInput(
            f"setting 'retention_run_at' is '{value}', not a time of day",
            hint="use HH:MM in 24-hour local time, e.g. 03:00",
        ) from None


def next_run(after: datetime, at: time) -> datetime:
    """The first moment at `at` (local time) strictly after `after`."""
    candidate = datetime.combine(after.date(), at, tzinfo=after.tzinfo)
    return candidate if candidate > after else candidate + timedelta(days=1)


def _ran_today(db: Database, today: date) -> bool:
    with db.session_scope(readonly=True) as session:
        query = select(RetentionRun.id).where(RetentionRun.today == today, RetentionRun.status == "done")
        return session.execute(query.limit(1)).first() is not None


def run_daily_retention(db: Database, settings: Settings, *, today: date) -> RunSummary | None:
    """The retention job: None when another instance holds the lock or today's run is done already."""
    # The lock lives as long as this (read-only, so SQLite's writer is not blocked) transaction.
    with db.session_scope(readonly=True) as lock_session:
        if not advisory_lock(lock_session, RETENTION_LOCK):
            log.info("retention run skipped: another instance is running it")
            return None
        if _ran_today(db, today):
            return None
        summary = run_retention(db, keyring=Keyring.from_settings(settings), today=today, actor=ACTOR)
    with db.session_scope() as session:
        backup.sync_erasure_log(session, path=backup.erasure_log_path(settings))
        # ID copies never outlive the 7 days the statement allows, decided or not.
        purged = purge_stale_id_documents(session, now=utcnow(), actor=ACTOR)
    if purged:
        log.info("%s ID copies deleted after 7 days without a decision", purged)
    log.info(
        "retention run %s: %s deleted, %s anonymised, %s subjects removed",
        summary.run_id,
        summary.records_deleted,
        summary.records_anonymised,
        summary.subjects_deleted,
    )
    return summary


@dataclass
class Scheduler:
    """A daemon thread that sleeps until the next daily run and runs the jobs."""

    db: Database
    settings: Settings

    def __post_init__(self) -> None:
        self.at = parse_run_at(self.settings.retention_run_at)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="privacydesk-scheduler", daemon=True)

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = datetime.now().astimezone()
            wait = (next_run(now, self.at) - now).total_seconds()
            if self._stop.wait(wait):
                return
            self.tick(datetime.now().astimezone().date())

    def tick(self, today: date) -> RunSummary | None:
        """Run the daily jobs once; a failure is logged (by type only) and retried the next day."""
        try:
            return run_daily_retention(self.db, self.settings, today=today)
        except PrivacydeskError as exc:
            log.error("retention run failed: %s", exc.message)
        except Exception as exc:  # noqa: BLE001 - the server keeps serving; no personal data in logs
            log.error("retention run failed: %s", type(exc).__name__)
        return None


def start_scheduler(app: Any) -> Scheduler | None:
    """Start the daily jobs for a FastAPI app created by `create_app` (see the module docstring)."""
    settings: Settings = app.state.settings
    if not settings.scheduler_enabled:
        return None
    scheduler = Scheduler(app.state.db, settings).start()
    app.state.scheduler = scheduler
    return scheduler
