"""People: search, a person's page (audited as a view of personal data), rectify and restrict."""

from __future__ import annotations

from typing import Any

from privacydesk.config import Settings
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from tests.conftest import Person
from tests.web.conftest import add_jan, log_in


def _viewed(db: Database, ref: str) -> int:
    with db.session_scope(readonly=True) as session:
        return (
            session.query(AuditEntry)
            .filter(AuditEntry.action == "subject.viewed", AuditEntry.target_id == ref)
            .count()
        )


def test_staff_find_a_person_by_phone_number_in_any_format(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    log_in(client, loaded_db, staff)
    page = client.get("/admin/people", params={"q": "+31 6 1234 5678"})
    assert f"/admin/people/{ref}" in page.text and "Jan Jansen" in page.text


def test_opening_a_person_shows_their_data_by_purpose_and_is_audited(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    log_in(client, loaded_db, staff)
    page = client.get(f"/admin/people/{ref}")
    assert page.status_code == 200
    assert "Please call me back on Tuesday" in page.text
    assert "Erased on" in page.text
    assert _viewed(loaded_db, ref) == 1


def test_an_auditor_cannot_open_a_persons_page(
    client: Any, loaded_db: Database, settings: Settings, auditor: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    log_in(client, loaded_db, auditor)
    assert client.get(f"/admin/people/{ref}").status_code == 403
    assert client.get("/admin/people", params={"q": "Jan Jansen"}).status_code == 403
    assert _viewed(loaded_db, ref) == 0


def test_a_rectification_is_saved_and_an_empty_one_is_refused_next_to_the_field(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    logged_in = log_in(client, loaded_db, staff)
    page = client.get(f"/admin/people/{ref}")
    record_id = page.text.split(f"/admin/people/{ref}/records/")[1].split("/")[0]
    url = f"/admin/people/{ref}/records/{record_id}/rectify"
    empty = client.post(url, data={"csrf": logged_in.csrf, "field_name": "body", "value": " "})
    assert empty.status_code == 422 and f'id="rectify-{record_id}-error"' in empty.text
    client.post(url, data={"csrf": logged_in.csrf, "field_name": "body", "value": "Call on Wednesday"})
    assert "Call on Wednesday" in client.get(f"/admin/people/{ref}").text


def test_a_record_can_be_restricted_with_a_reason(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = add_jan(loaded_db, settings)
    logged_in = log_in(client, loaded_db, staff)
    page = client.get(f"/admin/people/{ref}")
    record_id = page.text.split(f"/admin/people/{ref}/records/")[1].split("/")[0]
    client.post(
        f"/admin/people/{ref}/records/{record_id}/restrict",
        data={"csrf": logged_in.csrf, "reason": "accuracy contested"},
    )
    assert "restricted" in client.get(f"/admin/people/{ref}").text
