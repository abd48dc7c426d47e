"""The statement as people see it, in a real Chromium: the portal page on a desktop and a phone
passes axe-core, and the HTML and PDF are rendered to PNG for people to look at (test-artifacts/)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from privacydesk.config import Settings
from privacydesk.register.load import load_register
from privacydesk.statement.render import render
from privacydesk.statement.versions import publish_statement
from privacydesk.store.db import Database
from tests.browser_support import ARTIFACTS, chromium, live_server, run_axe, screenshot
from tests.conftest import OCQTO_REGISTER

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def site(settings: Settings, loaded_db: Database) -> Iterator[str]:
    with loaded_db.session_scope() as session:
        publish_statement(session, effective_date=date(2026, 11, 25), actor="test")
    with live_server(settings, loaded_db) as url:
        yield url


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("device", "width"), [("desktop", 1280), ("phone", 390)])
def test_the_statement_page_is_accessible_on_a_desktop_and_a_phone(
    site: str, lang: str, device: str, width: int
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900}, locale=lang, bypass_csp=True)
        page.goto(f"{site}/privacy?lang={lang}")
        assert page.locator("h1").inner_text() == (
            "Privacy statement" if lang == "en" else "Privacyverklaring"
        ) + (" Ocqto Support")
        assert page.locator("nav.toc a").count() == 10
        # nothing sticks out sideways on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"statement-{device}-{lang}")
        assert run_axe(page) == []


def test_the_table_of_contents_leads_to_each_article(site: str) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{site}/privacy?lang=nl")
        page.click("nav.toc >> text=Artikel 7. Gegevens inzien, aanpassen of verwijderen")
        assert page.url.endswith("#rechten")


def test_the_pdf_renders_to_pages_people_can_look_at(tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = render(load_register(OCQTO_REGISTER).register, "nl", "pdf")
    assert isinstance(pdf, bytes)
    source = tmp_path / "privacy.pdf"
    source.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "2",
            str(source),
            str(ARTIFACTS / "statement-pdf-nl"),
        ],
        check=True,
    )
    assert sorted(p.name for p in ARTIFACTS.glob("statement-pdf-nl-*.png"))[:2] == [
        "statement-pdf-nl-01.png",
        "statement-pdf-nl-02.png",
    ]
