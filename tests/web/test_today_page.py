"""Today: what needs doing, per role; a BSN finding and a processor task closed from the page."""

from __future__ import annotations

from typing import Any

from privacydesk.config import Settings
from privacydesk.scan.detectors import Kind
from privacydesk.scan.findings import raise_finding
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.fulfilment import ProcessorTask
from tests.conftest import Person
from tests.web.conftest import log_in


def _bsn_finding(db: Database, settings: Settings) -> int:
    with db.session_scope() as session:
        finding, _ = raise_finding(
            session,
            keyring=Keyring.from_settings(settings),
            kind=Kind.BSN,
            reason="forbidden",
            source="mail/2026-11-01.eml",
            location="body",
            value="111222333",
            actor="test",
        )
        return finding.id


def test_staff_see_the_work_of_today_and_an_auditor_sees_none_of_it(
    client: Any, loaded_db: Database, settings: Settings, staff: Person, auditor: Person
) -> None:
    _bsn_finding(loaded_db, settings)
    log_in(client, loaded_db, staff)
    page = client.get("/admin").text
    assert "identity checks waiting" in page and "BSN" in page and "processor erasure tasks" in page
    client.cookies.clear()
    log_in(client, loaded_db, auditor)
    page = client.get("/admin").text
    # The auditor reads reports (the check says a BSN was found) but never the findings themselves.
    assert 'id="findings"' not in page and "mail/2026-11-01.eml" not in page
    assert "identity checks waiting" not in page
    assert "Head hash" in page


def test_a_finding_is_resolved_from_the_page_with_htmx(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    finding_id = _bsn_finding(loaded_db, settings)
    logged_in = log_in(client, loaded_db, staff)
    url = f"/admin/findings/{finding_id}/resolve"
    headers = {"hx-request": "true"}
    refused = client.post(url, data={"csrf": logged_in.csrf, "note": ""}, headers=headers)
    assert refused.status_code == 422
    done = client.post(
        url, data={"csrf": logged_in.csrf, "note": "mail deleted", "outcome": "resolved"}, headers=headers
    )
    assert done.status_code == 200 and "resolved" in done.text
    assert "No open findings" in client.get("/admin").text


def test_a_processor_task_is_closed_once(client: Any, loaded_db: Database, staff: Person) -> None:
    with loaded_db.session_scope() as session:
        task = ProcessorTask(recipient_key="webhost", subject_ref="ab" * 16, body={})
        session.add(task)
        session.flush()
        task_id = task.id
    logged_in = log_in(client, loaded_db, staff)
    assert "Processor confirmed" in client.get("/admin").text
    first = client.post(
        f"/admin/tasks/{task_id}/done", data={"csrf": logged_in.csrf}, headers={"hx-request": "true"}
    )
    assert first.status_code == 200
    assert client.post(f"/admin/tasks/{task_id}/done", data={"csrf": logged_in.csrf}).status_code == 409
