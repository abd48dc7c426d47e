"""Retention in the admin: plan and chart for auditors; holds placed by staff, lifted only by the
owner or privacy officer, with a reason."""

from __future__ import annotations

import re
from typing import Any

from privacydesk import audit
from privacydesk.config import Settings
from privacydesk.store.db import Database
from tests.conftest import Person
from tests.web.conftest import add_jan, log_in


def test_an_auditor_reads_the_plan_and_its_forecast_chart(
    client: Any, loaded_db: Database, auditor: Person
) -> None:
    log_in(client, loaded_db, auditor)
    page = client.get("/admin/retention")
    assert page.status_code == 200 and "Forecast" in page.text
    chart = client.get("/admin/retention/forecast.png")
    assert chart.headers["content-type"] == "image/png" and chart.content.startswith(b"\x89PNG")
    assert "Run retention now" not in page.text


def test_staff_place_a_hold_but_cannot_lift_it(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    logged_in = log_in(client, loaded_db, staff)
    empty = client.post(f"/admin/people/{ref}/holds", data={"csrf": logged_in.csrf, "reason": ""})
    assert empty.status_code == 422 and 'id="hold-error"' in empty.text
    client.post(f"/admin/people/{ref}/holds", data={"csrf": logged_in.csrf, "reason": "dispute 2026-17"})
    assert "dispute 2026-17" in client.get(f"/admin/people/{ref}").text
    assert (
        client.post("/admin/retention/holds/1/lift", data={"csrf": logged_in.csrf, "reason": "x"}).status_code
        == 403
    )


def test_the_privacy_officer_lifts_a_hold_with_a_reason(
    client: Any, loaded_db: Database, settings: Settings, privacy_officer: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    logged_in = log_in(client, loaded_db, privacy_officer)
    client.post(f"/admin/people/{ref}/holds", data={"csrf": logged_in.csrf, "reason": "dispute 2026-17"})
    page = client.get("/admin/retention")
    hold_id = re.search(r"/admin/retention/holds/(\d+)/lift", page.text)
    assert hold_id
    url = f"/admin/retention/holds/{hold_id.group(1)}/lift"
    assert client.post(url, data={"csrf": logged_in.csrf, "reason": ""}).status_code == 422
    client.post(url, data={"csrf": logged_in.csrf, "reason": "dispute settled"})
    assert "ended" in client.get("/admin/retention").text


def test_the_audit_page_counts_a_retention_batchs_subjects_instead_of_listing_them(
    client: Any, loaded_db: Database, auditor: Person
) -> None:
    refs = [f"{i:032x}" for i in range(300)]
    with loaded_db.session_scope() as session:
        audit.record(
            session,
            action=audit.Action.RETENTION_ERASED,
            actor="system:retention",
            target_type="retention_run",
            target_id=1,
            reason="retention period ended",
            details={"run": 1, "records": {r: [i] for i, r in enumerate(refs)}, "removed": refs[:2]},
        )
    log_in(client, loaded_db, auditor)
    page = client.get("/admin/audit", params={"action": "retention.erased"})
    assert page.status_code == 200
    assert "records: 300 entries" in page.text and refs[299] not in page.text
    assert f"removed: [&#39;{refs[0]}&#39;, &#39;{refs[1]}&#39;]" in page.text  # short values stay whole
