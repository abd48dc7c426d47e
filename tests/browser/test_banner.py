"""The cookie banner in a real headless Chromium, embedded on a small test website with an analytics
script and a YouTube-style iframe, both blocked until consent."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from privacydesk.config import Settings
from privacydesk.store.db import Database
from privacydesk.store.models.consent import ConsentEvent
from tests.browser_support import chromium, live_server, run_axe, screenshot
from tests.consent.testsite import banner_site, load_variant, serve_site

pytestmark = pytest.mark.browser
GPC_SCRIPT = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the banner does not care which database stores its decisions."""
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def site(settings: Settings, loaded_db: Database) -> Iterator[tuple[str, Database]]:
    """The test website (on 127.0.0.1) with privacydesk serving the banner (on localhost)."""
    load_variant(loaded_db)
    with live_server(settings, loaded_db) as server:
        pd_url = server.replace("127.0.0.1", "localhost")
        with serve_site(banner_site(pd_url)) as url:
            yield url, loaded_db


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as found:
        yield found


def _events(db: Database) -> list[tuple[str, str, str]]:
    with db.session_scope() as session:
        rows = session.execute(select(ConsentEvent).order_by(ConsentEvent.id)).scalars()
        return [(e.purpose, e.state, e.channel) for e in rows]


def _wait_for_events(db: Database, count: int) -> list[tuple[str, str, str]]:
    deadline = time.monotonic() + 10
    while len(found := _events(db)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def _cookie_names(context: Any) -> set[str]:
    return {c["name"] for c in context.cookies()}


def _open(browser: Any, url: str, **context_args: Any) -> tuple[Any, Any]:
    context = browser.new_context(**context_args)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#pdc")
    return context, page


def _ran(page: Any) -> tuple[bool, bool]:
    page.wait_for_timeout(300)
    return bool(page.evaluate("window.analyticsRan === true")), bool(
        page.evaluate("document.querySelector('iframe').hasAttribute('src')")
    )


def test_nothing_runs_and_no_cookie_is_set_before_a_choice(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    context, page = _open(browser, url)
    assert page.get_by_role("dialog").is_visible()
    assert _ran(page) == (False, False)
    assert _cookie_names(context) == set()
    assert _events(db) == []


def test_the_first_layer_offers_accept_reject_and_settings_equally(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, _ = site
    _, page = _open(browser, url)
    buttons = page.locator(".pdc-btns button")
    assert buttons.all_inner_texts() == ["Alles accepteren", "Alles weigeren", "Instellingen"]
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    styles = [buttons.nth(i).evaluate("b => getComputedStyle(b).backgroundColor") for i in range(3)]
    assert len({round(b["height"]) for b in boxes}) == 1 and len(set(styles)) == 1
    page.get_by_role("button", name="Instellingen").click()
    assert page.locator("input[data-c='analytics']").is_checked() is False
    assert page.locator("input[data-c='marketing']").is_checked() is False


def test_reject_all_keeps_everything_blocked_and_is_recorded(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    context, page = _open(browser, url)
    page.get_by_role("button", name="Alles weigeren").click()
    assert _wait_for_events(db, 2) == [
        ("cookie.analytics", "refused", "banner"),
        ("cookie.marketing", "refused", "banner"),
    ]
    page.wait_for_function("document.cookie.indexOf('pd_consent=') >= 0")
    page.reload()
    page.wait_for_selector("#pdc-open")
    assert page.locator("#pdc").count() == 0
    assert _ran(page) == (False, False)
    assert _cookie_names(context) == {"pd_consent"}


def test_accept_all_runs_the_script_and_loads_the_iframe(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    context, page = _open(browser, url)
    page.get_by_role("button", name="Alles accepteren").click()
    assert _ran(page) == (True, True)
    assert {"cookie.analytics", "cookie.marketing"} == {
        p for p, s, _ in _wait_for_events(db, 2) if s == "given"
    }
    page.wait_for_function("document.cookie.indexOf('pd_consent=') >= 0")
    page.reload()
    assert _ran(page) == (True, True)
    assert page.locator("#pdc").count() == 0
    assert {"_pk_id.1.a1b2", "_pk_ses.1.a1b2", "pd_consent"} <= _cookie_names(context)
    assert page.evaluate("window.unknownRan === undefined")  # a category the register lacks never runs


def test_withdrawing_through_cookie_settings_removes_the_cookies(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    context, page = _open(browser, url)
    page.get_by_role("button", name="Alles accepteren").click()
    page.wait_for_function("document.cookie.indexOf('pd_consent=') >= 0")
    assert "_pk_id.1.a1b2" in _cookie_names(context)
    page.get_by_role("button", name="Cookie-instellingen").click()
    assert page.locator("input[data-c='analytics']").is_checked()
    page.locator("input[data-c='analytics']").uncheck()
    page.get_by_role("button", name="Keuze opslaan").click()
    states = _wait_for_events(db, 4)
    assert ("cookie.analytics", "withdrawn", "banner") in states
    page.wait_for_timeout(300)
    assert not {"_pk_id.1.a1b2", "_pk_ses.1.a1b2"} & _cookie_names(context)


def test_global_privacy_control_starts_rejected_and_says_gpc(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    context.add_init_script(GPC_SCRIPT)
    page = context.new_page()
    page.goto(url)
    assert _wait_for_events(db, 2) == [
        ("cookie.analytics", "refused", "gpc"),
        ("cookie.marketing", "refused", "gpc"),
    ]
    assert page.locator("#pdc").count() == 0
    assert _ran(page) == (False, False)


def test_a_new_consent_revision_shows_the_banner_again(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    _, page = _open(browser, url)
    page.get_by_role("button", name="Alles accepteren").click()
    page.wait_for_function("document.cookie.indexOf('pd_consent=') >= 0")
    page.reload()
    page.wait_for_selector("#pdc-open")
    assert page.locator("#pdc").count() == 0
    load_variant(db, consent_revision=2)
    time.sleep(1.1)  # the endpoint reuses a register read for one second
    page.reload()
    page.wait_for_selector("#pdc")
    assert _ran(page) == (False, False)


def test_a_tampered_cookie_makes_the_banner_ask_again(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    context, page = _open(browser, url)
    page.get_by_role("button", name="Alles weigeren").click()
    page.wait_for_function("document.cookie.indexOf('pd_consent=') >= 0")
    cookie = next(c for c in context.cookies() if c["name"] == "pd_consent")
    forged = cookie["value"].replace(".-.", ".analytics+marketing.")
    context.clear_cookies()
    context.add_cookies([{**cookie, "value": forged}])
    fresh = context.new_page()  # a new tab: the session has not seen this cookie checked
    fresh.goto(url)
    fresh.wait_for_selector("#pdc")
    assert _ran(fresh) == (False, False)
    assert len(_events(db)) == 2


def test_the_banner_works_with_the_keyboard_alone(site, browser) -> None:  # type: ignore[no-untyped-def]
    url, db = site
    _, page = _open(browser, url)
    focused = "document.activeElement.textContent"
    assert page.evaluate(focused) == "Alles accepteren"
    for _ in range(12):  # the focus stays inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('pdc').contains(document.activeElement)")
    page.focus("[data-pd='settings']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('data-c')") == "analytics"
    page.keyboard.press("Space")
    for _ in range(20):
        if page.evaluate(focused) == "Keuze opslaan":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _ran(page) == (True, False)
    assert ("cookie.analytics", "given", "banner") in _wait_for_events(db, 2)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_banner_has_no_serious_accessibility_violations(site, browser, lang) -> None:  # type: ignore[no-untyped-def]
    url, _ = site
    _, page = _open(
        browser,
        url + ("/en.html" if lang == "en" else "/"),
        viewport={"width": 1024, "height": 768},
        reduced_motion="reduce",
    )
    screenshot(page, f"consent_banner_{lang}")
    assert run_axe(page) == []
    page.locator("[data-pd='settings']").click()
    page.locator(".pdc-cat details").first.evaluate("d => d.open = true")
    screenshot(page, f"consent_banner_settings_{lang}")
    assert run_axe(page) == []
