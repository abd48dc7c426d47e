"""The public side in a real headless Chromium: every public page in Dutch and English, the
error pages, and the staff login — axe-core finds nothing serious; a screenshot of each is saved."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from privacydesk.config import Settings
from privacydesk.store.db import Database
from privacydesk.web.access import PUBLIC_MARK
from privacydesk.web.app import api_routes, create_app
from tests.browser_support import chromium, live_server, run_axe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


def public_pages() -> list[str]:
    """Every public HTML page without parameters, from the route table (so new ones are checked)."""
    app = create_app(Settings(env="test", database_url="sqlite://"))
    pages = []
    for route in api_routes(app.routes):
        html = "text/html" in str(getattr(route.response_class, "media_type", ""))
        if (
            html
            and "GET" in route.methods
            and "{" not in route.path
            and getattr(route.endpoint, PUBLIC_MARK, False)
        ):
            pages.append(route.path)
    return sorted(set(pages) | {"/login", "/does-not-exist"})


@pytest.fixture
def site(settings: Settings, loaded_db: Database) -> Iterator[str]:
    with live_server(settings, loaded_db) as url:
        yield url


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_public_page_has_no_serious_accessibility_problems(site: str, lang: str) -> None:
    problems = {}
    with chromium() as browser:
        # bypass_csp: axe-core is injected as an inline script, which our CSP rightly refuses
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=lang, bypass_csp=True)
        for path in public_pages():
            response = page.goto(f"{site}{path}?lang={lang}")
            assert response.status < 500, path
            assert "Traceback" not in page.content()
            name = "portal" + (path.replace("/", "-").rstrip("-") or "-home") + f"-{lang}"
            screenshot(page, name)
            found = run_axe(page)
            if found:
                problems[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in found]
    assert not problems


def test_the_portal_carries_the_business_name_and_colour(site: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(site + "/")
        assert "Ocqto" in page.locator("header").inner_text()
        colour = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
        assert colour == "rgb(122, 62, 157)"  # #7a3e9d, the register's branding
