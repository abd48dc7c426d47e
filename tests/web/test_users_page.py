"""The staff page: owners add, reset and disable accounts; nobody else may."""

from __future__ import annotations

from typing import Any

from privacydesk.store.db import Database
from tests.conftest import Person
from tests.web.conftest import log_in


def test_the_owner_adds_a_member_of_staff_who_can_then_log_in(
    client: Any, loaded_db: Database, owner: Person
) -> None:
    logged_in = log_in(client, loaded_db, owner)
    short = client.post(
        "/admin/users",
        data={"csrf": logged_in.csrf, "email": "new@ocqto.example", "role": "staff", "password": "x"},
    )
    assert short.status_code == 422 and 'id="password-error"' in short.text
    client.post(
        "/admin/users",
        data={"csrf": logged_in.csrf, "email": "new@ocqto.example", "role": "staff", "password": "a" * 14},
    )
    assert "new@ocqto.example" in client.get("/admin/users").text


def test_a_disabled_account_loses_its_session_at_once(
    client: Any, app: Any, loaded_db: Database, owner: Person, staff: Person
) -> None:
    from tests.web.conftest import TestClient

    with TestClient(app) as other:
        log_in(other, loaded_db, staff)
        logged_in = log_in(client, loaded_db, owner)
        assert f"/admin/users/{staff.id}/disable" in client.get("/admin/users").text
        client.post(f"/admin/users/{staff.id}/disable", data={"csrf": logged_in.csrf})
        assert other.get("/api/me").status_code == 401


def test_staff_cannot_open_the_staff_page(client: Any, loaded_db: Database, staff: Person) -> None:
    log_in(client, loaded_db, staff)
    assert client.get("/admin/users").status_code == 403
