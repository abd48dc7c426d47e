"""The register page: read in the statement's order; edits published only after the check passes,
with the statement diff shown first; auditors read, staff cannot change it."""

from __future__ import annotations

from typing import Any

from privacydesk.register.service import latest_version
from privacydesk.store.db import Database
from tests.conftest import OCQTO_REGISTER, Person
from tests.web.conftest import log_in


def _version(db: Database) -> int:
    with db.session_scope(readonly=True) as session:
        version = latest_version(session)
        assert version is not None
        return version.number


def test_an_auditor_reads_the_register_in_the_statements_words(
    client: Any, loaded_db: Database, auditor: Person
) -> None:
    log_in(client, loaded_db, auditor)
    page = client.get("/admin/register")
    assert page.status_code == 200 and "Ocqto" in page.text
    assert "Edit the register" not in page.text
    assert client.get("/admin/register/edit").status_code == 403


def test_staff_cannot_change_the_register(client: Any, loaded_db: Database, staff: Person) -> None:
    logged_in = log_in(client, loaded_db, staff)
    response = client.post("/admin/register/publish", data={"csrf": logged_in.csrf, "yaml_text": "x: 1"})
    assert response.status_code == 403


def test_a_register_with_errors_is_shown_with_its_lines_and_never_published(
    client: Any, loaded_db: Database, owner: Person
) -> None:
    logged_in = log_in(client, loaded_db, owner)
    broken = OCQTO_REGISTER.read_text().replace('primary_color: "#7a3e9d"', "primary_color: purple")
    for url in ("/admin/register/preview", "/admin/register/publish"):
        response = client.post(url, data={"csrf": logged_in.csrf, "yaml_text": broken})
        assert response.status_code == 422
        assert 'id="yaml-errors"' in response.text and "line" in response.text
    assert _version(loaded_db) == 1


def test_a_changed_register_shows_the_statement_diff_then_publishes_a_new_version(
    client: Any, loaded_db: Database, owner: Person
) -> None:
    logged_in = log_in(client, loaded_db, owner)
    text = OCQTO_REGISTER.read_text()
    assert "Bloemenweg 7" in text
    changed = text.replace("Bloemenweg 7", "Bloemenweg 9")
    preview = client.post("/admin/register/preview", data={"csrf": logged_in.csrf, "yaml_text": changed})
    assert preview.status_code == 200
    assert "Bloemenweg 9" in preview.text and 'class="add"' in preview.text
    assert _version(loaded_db) == 1
    client.post("/admin/register/publish", data={"csrf": logged_in.csrf, "yaml_text": changed})
    assert _version(loaded_db) == 2
    assert "Bloemenweg 9" in client.get("/admin/register").text
