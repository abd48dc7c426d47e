"""CSRF on every form, the security headers, and error pages without stack traces."""

from __future__ import annotations

from typing import Any

from privacydesk.store.db import Database
from privacydesk.web.access import public
from privacydesk.web.security import CSP
from tests.conftest import Person
from tests.web.conftest import log_in


def test_a_form_posted_without_the_csrf_token_is_refused(
    client: Any, loaded_db: Database, staff: Person
) -> None:
    log_in(client, loaded_db, staff)
    response = client.post("/admin/tokens", data={"name": "script", "role": "staff"})
    assert response.status_code == 403
    assert "the form has expired" in response.text


def test_the_login_form_without_its_csrf_cookie_is_refused(client: Any, staff: Person) -> None:
    response = client.post("/login", data={"email": staff.email, "password": staff.password, "csrf": "x"})
    assert response.status_code == 403


def test_every_page_carries_the_security_headers(client: Any) -> None:
    response = client.get("/")
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_an_unknown_page_shows_a_dutch_404_page_to_the_public(client: Any) -> None:
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text


def test_an_unknown_page_speaks_english_when_asked(client: Any) -> None:
    response = client.get("/does-not-exist?lang=en")
    assert "Page not found" in response.text


def test_the_portal_shows_the_business_name_and_its_colour(client: Any) -> None:
    page = client.get("/")
    assert "Ocqto" in page.text
    assert "/brand.css" in page.text
    assert "--brand: #7a3e9d" in client.get("/brand.css").text


def test_an_anonymous_visitor_of_the_admin_is_sent_to_the_login(client: Any) -> None:
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_the_portal_home_leads_to_every_public_workflow(client: Any) -> None:
    page = client.get("/?lang=en").text
    for path in ("/privacy?lang=en", "/privacy/request?lang=en", "/privacy/preferences?lang=en"):
        assert f'href="{path}"' in page


def test_a_crash_shows_a_plain_page_without_a_stack_trace(app: Any, client: Any) -> None:
    def boom() -> None:
        raise RuntimeError("secret detail: jan.jansen@example.nl")

    app.add_api_route("/boom-for-test", public(boom))
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "Er ging bij ons iets mis" in response.text
    assert "Traceback" not in response.text and "secret detail" not in response.text


def test_a_dutch_404_page_has_no_english_left_in_it(client: Any) -> None:
    assert "Not Found" not in client.get("/does-not-exist").text
