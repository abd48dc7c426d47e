from __future__ import annotations

from datetime import date

from privacydesk.check import run_checks
from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.demo import DemoContext, seed_all
from privacydesk.register.service import current_register
from privacydesk.store.db import Database
from tests.check.conftest import failed


def test_the_demo_as_shipped_shows_what_an_owner_must_still_do(
    loaded_db: Database, settings: Settings
) -> None:
    today = date.today()
    with loaded_db.session_scope() as session:
        bind_settings(session, settings)
        _, register = current_register(session)
        seed_all(DemoContext(session=session, settings=settings, register=register, today=today))
        found = failed(run_checks(session, register=register, today=today, settings=settings))
    # No retention run yet, owners without a second factor, no backup, and the queue's overdue request.
    assert {"retention_run", "two_factor", "backups", "requests_on_time"} <= set(found)
    assert "answers_complete" not in found  # a refusal is an answer of its own
    assert all(len(e["request_ref"]) == 32 for e in found["requests_on_time"])
