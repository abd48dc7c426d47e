"""Consent in the admin: current states and the weekly timeline per revision, the banner snippet,
and the newsletter subscribers shown only to roles that see personal data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from privacydesk.consent import ledger
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database
from privacydesk.web.routes.admin_consent import consent_timeline
from tests.conftest import Person
from tests.web.conftest import log_in


def _decide(db: Database, visitor: str, state: ledger.ConsentState) -> None:
    with db.session_scope() as session:
        ledger.record_consent(
            session,
            visitor_id=visitor,
            purpose="analytics",
            state=state,
            channel=ledger.Channel.BANNER,
            notice=ledger.notice_for(session, text="banner text", language="nl"),
            actor="system:banner",
        )


def test_the_timeline_counts_decisions_per_week_purpose_and_revision(loaded_db: Database) -> None:
    _decide(loaded_db, "v1", ledger.ConsentState.GIVEN)
    _decide(loaded_db, "v2", ledger.ConsentState.REFUSED)
    _decide(loaded_db, "v3", ledger.ConsentState.GIVEN)
    with loaded_db.session_scope(readonly=True) as session:
        rows = consent_timeline(session, since=utcnow() - timedelta(days=7))
    assert [(r.purpose, r.given, r.refused) for r in rows] == [("analytics", 2, 1)]


def test_an_auditor_sees_the_statistics_and_chart_but_not_the_subscribers(
    client: Any, loaded_db: Database, auditor: Person
) -> None:
    _decide(loaded_db, "v1", ledger.ConsentState.GIVEN)
    log_in(client, loaded_db, auditor)
    page = client.get("/admin/consent")
    assert page.status_code == 200 and "analytics" in page.text and "/consent.js" in page.text
    assert "Show the subscribers" not in page.text
    assert client.get("/admin/consent/chart.png").content.startswith(b"\x89PNG")
    assert client.get("/admin/consent/subscribers").status_code == 403


def test_the_privacy_officer_loads_the_subscribers_on_request(
    client: Any, loaded_db: Database, privacy_officer: Person
) -> None:
    log_in(client, loaded_db, privacy_officer)
    assert client.get("/admin/consent/subscribers", headers={"hx-request": "true"}).status_code == 200
