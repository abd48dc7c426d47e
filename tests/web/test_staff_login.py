"""Staff login: password, then a TOTP code for owners and privacy officers (enrolled at first login)."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from privacydesk import audit
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.web.security import SESSION_COOKIE
from tests.conftest import Person
from tests.web.conftest import csrf_of, log_in, submit_password, totp_secret


def _actions(db: Database) -> list[str]:
    with db.session_scope(readonly=True) as session:
        return [e.action for e in session.query(AuditEntry).order_by(AuditEntry.seq)]


def test_an_owner_is_asked_to_enrol_an_authenticator_at_the_first_login(
    client: Any, loaded_db: Database, owner: Person
) -> None:
    response = submit_password(client, owner)
    assert response.headers["location"] == "/login/code"
    page = client.get("/login/code")
    assert "Set up two-factor login" in page.text
    assert 'src="data:image/svg+xml' in page.text  # the QR code, as a data URI (no inline script)
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/login"


def test_the_password_alone_opens_nothing_for_an_owner(client: Any, owner: Person) -> None:
    submit_password(client, owner)
    assert client.get("/admin", follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401


def test_a_correct_code_logs_the_owner_in_with_a_new_session_cookie(
    client: Any, loaded_db: Database, owner: Person
) -> None:
    submit_password(client, owner)
    pending_cookie = client.cookies.get(SESSION_COOKIE)
    logged_in = log_in(client, loaded_db, owner)
    assert logged_in.client.cookies.get(SESSION_COOKIE) != pending_cookie
    assert client.get("/api/me").json()["role"] == "owner"
    assert audit.Action.TOTP_ENROLLED in _actions(loaded_db)


def test_a_wrong_code_is_refused_counted_and_shown_next_to_the_field(
    client: Any, loaded_db: Database, owner: Person
) -> None:
    submit_password(client, owner)
    page = client.get("/login/code")
    response = client.post("/login/code", data={"code": "000000", "csrf": csrf_of(page.text)})
    assert response.status_code == 401
    assert 'aria-describedby="code-error"' in response.text
    assert _actions(loaded_db).count(audit.Action.LOGIN_FAILED) == 1


def test_a_code_is_good_only_once(client: Any, app: Any, loaded_db: Database, owner: Person) -> None:
    log_in(client, loaded_db, owner)
    secret = totp_secret(loaded_db, owner)
    assert secret
    used = pyotp.TOTP(secret).now()
    client.cookies.clear()
    submit_password(client, owner)
    page = client.get("/login/code")
    response = client.post("/login/code", data={"code": used, "csrf": csrf_of(page.text)})
    assert response.status_code == 401


def test_staff_log_in_with_the_password_only(client: Any, loaded_db: Database, staff: Person) -> None:
    response = submit_password(client, staff)
    assert response.headers["location"] == "/admin"
    assert client.get("/api/me").json()["role"] == "staff"


def test_the_session_cookie_is_httponly_and_samesite_lax(client: Any, staff: Person) -> None:
    response = submit_password(client, staff)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_five_wrong_passwords_lock_the_account(client: Any, loaded_db: Database, staff: Person) -> None:
    for _ in range(5):
        assert submit_password(client, staff, password="wrong password!!").status_code == 401
    assert submit_password(client, staff).status_code == 401  # the right password, but locked
    assert audit.Action.ACCOUNT_LOCKED in _actions(loaded_db)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_one_address_trying_many_accounts_is_slowed_down(client: Any, staff: Person) -> None:
    statuses = [
        submit_password(client, Person(0, f"guess{i}@ocqto.example", staff.role)).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert submit_password(client, staff).status_code == 429


def test_logging_out_ends_the_session(client: Any, loaded_db: Database, staff: Person) -> None:
    logged_in = log_in(client, loaded_db, staff)
    client.post("/logout", data={"csrf": logged_in.csrf})
    assert client.get("/api/me").status_code == 401


def test_an_idle_session_ends_and_sends_staff_back_to_the_login(
    client: Any, loaded_db: Database, staff: Person
) -> None:
    from datetime import timedelta

    from privacydesk.store.models.core import WebSession

    log_in(client, loaded_db, staff)
    with loaded_db.session_scope() as session:
        for web in session.query(WebSession):
            web.last_seen_at = web.last_seen_at - timedelta(minutes=31)
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_over_https_the_session_cookie_is_secure(app: Any, loaded_db: Database, staff: Person) -> None:
    from tests.web.conftest import TestClient

    with TestClient(app, base_url="https://privacy.ocqto.example") as secure_client:
        response = submit_password(secure_client, staff)
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()
