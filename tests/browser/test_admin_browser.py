"""The admin in a real headless Chromium: TOTP login, what an auditor may not open, CSRF, and
axe-core on the main admin pages, with a screenshot of each saved under test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest

from privacydesk.config import Settings
from privacydesk.store.db import Database
from tests.browser_support import chromium, live_server, run_axe, screenshot
from tests.conftest import Person
from tests.web.conftest import add_jan, totp_secret

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the browser does not care which database is behind the pages."""
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@dataclass
class Site:
    url: str
    db: Database
    person_ref: str


@pytest.fixture
def site(settings: Settings, loaded_db: Database) -> Iterator[Site]:
    ref = add_jan(loaded_db, settings)
    with live_server(settings, loaded_db) as url:
        yield Site(url, loaded_db, ref)


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def log_in(page: Any, site: Site, person: Person, *, shot: str | None = None) -> None:
    """Log in through the forms; for owners and privacy officers, enrol and type the TOTP code."""
    page.goto(f"{site.url}/login")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Log in").click()
    if "/login/code" in page.url:
        if shot:
            screenshot(page, shot)
        secret = totp_secret(site.db, person)
        assert secret
        page.get_by_label("Six-digit code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url(f"{site.url}/admin")


def test_the_owner_enrols_an_authenticator_and_logs_in_with_its_code(
    browser: Any, site: Site, owner: Person
) -> None:
    page = browser.new_page()
    log_in(page, site, owner, shot="admin-totp-enrol")
    assert page.get_by_role("heading", name="Today").is_visible()
    screenshot(page, "admin-today")


def test_an_auditor_cannot_open_a_persons_page(browser: Any, site: Site, auditor: Person) -> None:
    page = browser.new_page()
    log_in(page, site, auditor)
    assert page.get_by_role("link", name="People").count() == 0
    response = page.goto(f"{site.url}/admin/people/{site.person_ref}")
    assert response.status == 403
    assert page.get_by_role("heading", name="Not allowed").is_visible()
    assert "Jan" not in page.content()
    screenshot(page, "admin-auditor-refused")


def test_a_form_submitted_without_its_csrf_token_fails(browser: Any, site: Site, staff: Person) -> None:
    page = browser.new_page()
    log_in(page, site, staff)
    page.goto(f"{site.url}/admin/tokens")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    page.get_by_label("What it is for").fill("forged")
    with page.expect_navigation():
        page.get_by_role("button", name="Issue token").click()
    assert "the form has expired" in page.content()
    assert "forged" not in page.content()


ADMIN_PAGES = [
    ("admin-today", "/admin"),
    ("admin-people", "/admin/people?q=Jan+Jansen"),
    ("admin-person", "/admin/people/{ref}"),
    ("admin-requests", "/admin/requests"),
    ("admin-register", "/admin/register"),
    ("admin-register-edit", "/admin/register/edit"),
    ("admin-recipients", "/admin/recipients"),
    ("admin-consent", "/admin/consent"),
    ("admin-retention", "/admin/retention"),
    ("admin-audit", "/admin/audit"),
    ("admin-users", "/admin/users"),
    ("admin-tokens", "/admin/tokens"),
]


def test_the_main_admin_pages_have_no_serious_accessibility_problems(
    browser: Any, site: Site, privacy_officer: Person
) -> None:
    # bypass_csp: axe-core is injected as an inline script, which our CSP rightly refuses
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    log_in(page, site, privacy_officer)
    problems = {}
    for name, path in ADMIN_PAGES:
        response = page.goto(site.url + path.format(ref=site.person_ref))
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, name)
        found = run_axe(page)
        if found:
            problems[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in found]
    assert not problems
