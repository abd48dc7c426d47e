"""The API tokens page: issue a token scoped to a role, use it, revoke it."""

from __future__ import annotations

import re
from typing import Any

from privacydesk.store.db import Database
from tests.conftest import Person
from tests.web.conftest import log_in


def _issue(client: Any, csrf: str, **fields: str) -> Any:
    return client.post("/admin/tokens", data={"csrf": csrf, **fields})


def test_a_token_issued_on_the_page_works_once_shown_and_acts_with_its_role(
    client: Any, loaded_db: Database, privacy_officer: Person
) -> None:
    logged_in = log_in(client, loaded_db, privacy_officer)
    page = _issue(client, logged_in.csrf, name="nightly report", role="auditor", days="30")
    secret = re.search(r'id="new-token">(pd_[^<]+)<', page.text)
    assert secret
    client.cookies.clear()
    me = client.get("/api/me", headers={"authorization": f"Bearer {secret.group(1)}"})
    assert me.json()["role"] == "auditor"


def test_staff_cannot_issue_a_token_above_their_role(client: Any, loaded_db: Database, staff: Person) -> None:
    logged_in = log_in(client, loaded_db, staff)
    page = _issue(client, logged_in.csrf, name="too much", role="owner")
    assert page.status_code == 422
    assert 'id="role-error"' in page.text


def test_a_token_without_a_name_is_refused_next_to_the_field(
    client: Any, loaded_db: Database, staff: Person
) -> None:
    logged_in = log_in(client, loaded_db, staff)
    page = _issue(client, logged_in.csrf, name=" ", role="staff", days="forever")
    assert 'id="name-error"' in page.text and 'id="days-error"' in page.text


def test_a_revoked_token_stops_working(client: Any, loaded_db: Database, staff: Person) -> None:
    logged_in = log_in(client, loaded_db, staff)
    page = _issue(client, logged_in.csrf, name="script", role="staff")
    secret = re.search(r'id="new-token">(pd_[^<]+)<', page.text)
    token_id = re.search(r"/admin/tokens/(\d+)/revoke", page.text)
    assert secret and token_id
    client.post(f"/admin/tokens/{token_id.group(1)}/revoke", data={"csrf": logged_in.csrf})
    client.cookies.clear()
    assert client.get("/api/me", headers={"authorization": f"Bearer {secret.group(1)}"}).status_code == 401
