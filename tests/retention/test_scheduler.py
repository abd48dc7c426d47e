"""The daily retention job inside `serve`: when it runs, once a day, one instance at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from privacydesk.config import Settings
from privacydesk.errors import UnusableInput
from privacydesk.scheduler import RETENTION_LOCK, next_run, parse_run_at, run_daily_retention, start_scheduler
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, advisory_lock
from tests.retention.conftest import TODAY, add_person, exists, invoice


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 25, 2, 59, tzinfo=UTC), datetime(2026, 11, 25, 3, 0, tzinfo=UTC)),
        (datetime(2026, 11, 25, 3, 0, tzinfo=UTC), datetime(2026, 11, 26, 3, 0, tzinfo=UTC)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), datetime(2027, 1, 1, 3, 0, tzinfo=UTC)),
    ],
)
def test_the_next_run_is_the_next_time_the_clock_shows_the_setting(now: datetime, expected: datetime) -> None:
    assert next_run(now, time(3, 0)) == expected


def test_a_bad_run_time_names_the_setting() -> None:
    assert parse_run_at("23:30") == time(23, 30)
    with pytest.raises(UnusableInput, match="retention_run_at"):
        parse_run_at("3 o'clock")


def test_the_daily_job_erases_what_expired_and_runs_once_a_day(
    loaded_db: Database, settings: Settings, keyring: Keyring
) -> None:
    person = add_person(loaded_db, keyring, email="a@example.nl", records=[invoice(1, date(2015, 1, 1))])
    summary = run_daily_retention(loaded_db, settings, today=TODAY)
    assert summary is not None and summary.records_anonymised == 1
    assert not exists(loaded_db, person)
    assert run_daily_retention(loaded_db, settings, today=TODAY) is None
    assert (settings.data_dir / "erasure-log.jsonl").read_text().count(person.ref) >= 1


@pytest.mark.postgres
def test_a_second_instance_skips_the_job_while_the_first_holds_the_lock(
    loaded_db: Database, settings: Settings, keyring: Keyring
) -> None:
    if loaded_db.is_sqlite:
        pytest.skip("advisory locks are PostgreSQL's; SQLite has one writer anyway")
    person = add_person(loaded_db, keyring, email="b@example.nl", records=[invoice(1, date(2015, 1, 1))])
    other_instance = Database(loaded_db.url)
    try:
        with other_instance.session_scope(readonly=True) as session:
            assert advisory_lock(session, RETENTION_LOCK)
            assert run_daily_retention(loaded_db, settings, today=TODAY) is None
            assert exists(loaded_db, person)
        assert run_daily_retention(loaded_db, settings, today=TODAY) is not None
    finally:
        other_instance.dispose()


def test_serve_starts_and_stops_the_scheduler_unless_disabled(
    loaded_db: Database, settings: Settings
) -> None:
    from privacydesk.web.app import create_app

    app = create_app(settings, loaded_db)
    scheduler = start_scheduler(app)
    assert scheduler is not None and app.state.scheduler is scheduler
    scheduler.stop()
    off = create_app(settings.model_copy(update={"scheduler_enabled": False}), loaded_db)
    assert start_scheduler(off) is None
