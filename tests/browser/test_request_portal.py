"""The request portal in a real Chromium, as a member of the public uses it: file a request in
Dutch, fetch the code from the e-mail the local aiosmtpd server caught, mistype it once, confirm
it; after staff carry it out, download the ZIP once and read its report. Screenshots of each page
(and of the report) are saved under test-artifacts/; axe-core checks the portal pages."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.outbox import send_pending
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests.answer import fulfil_request
from privacydesk.subject_requests.records import get_request
from privacydesk.subjects import add_record, create_subject
from tests.browser_support import ARTIFACTS, chromium, free_port, live_server, run_axe, screenshot
from tests.outbox.conftest import Mailbox

pytestmark = pytest.mark.browser
EMAIL = "marieke.devries@example.nl"


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
    settings: Settings
    mailbox: Mailbox

    def deliver(self) -> list[str]:
        """Send the outbox to the local SMTP server; the plain bodies of the new messages."""
        seen = len(self.mailbox.messages)
        send_pending(self.db, self.settings)
        bodies = [m.get_body(("plain",)) for m in self.mailbox.messages[seen:]]
        return [str(b.get_content()) for b in bodies if b is not None]


def _add_marieke(db: Database, settings: Settings) -> None:
    keyring = Keyring.from_settings(settings)
    with db.session_scope() as session:
        _, register = current_register(session)
        subject = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"name": ["Marieke de Vries"], "email": [EMAIL], "phone": ["0612340000"]},
            actor="test",
        )
        add_record(
            session,
            keyring=keyring,
            register=register,
            subject=subject,
            kind="invoice",
            category="invoices",
            purpose="payment",
            source="data_subject",
            payload={"number": "2026-017", "amount": "242.00", "description": "Administratie maart"},
            event_on=date(2026, 3, 31),
            actor="test",
        )


@pytest.fixture
def site(settings: Settings, loaded_db: Database) -> Iterator[Site]:
    from aiosmtpd.controller import Controller

    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    _add_marieke(loaded_db, settings)
    cfg = settings.model_copy(update={"smtp_port": box.port, "mail_from": "privacy@ocqto.example"})
    try:
        with live_server(cfg, loaded_db) as url:
            yield Site(url, loaded_db, cfg, box)
    finally:
        controller.stop()


def _code(bodies: list[str]) -> str:
    for body in bodies:
        found = re.search(r"^\s+(\d{4} \d{4})\s*$", body, re.MULTILINE)
        if found:
            return found.group(1).replace(" ", "")
    raise AssertionError("no identity code was e-mailed")


def _file(page: Any, site: Site) -> str:
    page.goto(f"{site.url}/privacy/request")
    assert run_axe(page) == []
    page.get_by_label("Inzage: welke gegevens hebben jullie van mij?").check()
    page.get_by_label("Je e-mailadres").fill(EMAIL)
    page.get_by_label("Je naam (niet verplicht)").fill("Marieke de Vries")
    screenshot(page, "request-portal-form")
    page.get_by_role("button", name="Verzoek versturen").click()
    page.wait_for_url(re.compile(r"/privacy/request/[0-9a-f]{32}"))
    match = re.search(r"/privacy/request/([0-9a-f]{32})", page.url)
    assert match
    return match.group(1)


def _staff_fulfil(site: Site, ref: str) -> None:
    keyring = Keyring.from_settings(site.settings)
    with site.db.session_scope() as session:
        bind_settings(session, site.settings)
        fulfil_request(
            session,
            keyring=keyring,
            register=current_register(session)[1],
            request=get_request(session, ref=ref),
            out_dir=Path(site.settings.data_dir) / "exports",
            base_url=site.url,
            today=date.today(),
            actor="user:staff",
        )


def _confirm(page: Any, site: Site) -> None:
    code = _code(site.deliver())
    page.get_by_label("Code (8 cijfers)").fill("12345678" if code != "12345678" else "87654321")
    page.get_by_role("button", name="Bevestigen").click()
    assert page.get_by_role("alert").inner_text().startswith("De code is niet geldig")
    screenshot(page, "request-portal-wrong-code")
    page.get_by_label("Code (8 cijfers)").fill(code)
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()
    assert page.locator("#status").get_attribute("data-status") == "verified"
    assert run_axe(page) == []
    screenshot(page, "request-portal-verified")


def _download_and_show_report(browser: Any, page: Any, site: Site) -> None:
    letter = "\n".join(site.deliver())
    link = re.search(r"https?://\S+/privacy/download/\S+", letter)
    assert link, letter
    with page.expect_download() as download:
        page.evaluate("url => { window.location.href = url }", link.group(0))
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"report.html", "report.pdf", "data.json"} <= set(archive.namelist())
    report = ARTIFACTS / "request-portal-report.html"
    ARTIFACTS.mkdir(exist_ok=True)
    report.write_bytes(archive.read("report.html"))
    viewer = browser.new_page(viewport={"width": 1100, "height": 900})
    viewer.goto(report.as_uri())
    assert "Administratie maart" in viewer.content()
    screenshot(viewer, "request-portal-report")
    again = page.goto(link.group(0))
    assert again is not None and again.status == 404
    screenshot(page, "request-portal-link-used")


def test_a_member_of_the_public_files_confirms_and_downloads_their_answer(site: Site) -> None:
    with chromium() as browser:
        # bypass_csp: axe-core is injected as an inline script, which our CSP rightly refuses
        page = browser.new_page(viewport={"width": 1100, "height": 900}, bypass_csp=True)
        ref = _file(page, site)
        assert page.locator("#status").get_attribute("data-status") == "awaiting_identity"
        assert run_axe(page) == []
        screenshot(page, "request-portal-status")
        _confirm(page, site)
        _staff_fulfil(site, ref)
        _download_and_show_report(browser, page, site)


def test_an_unknown_requester_sees_the_same_pages_and_gets_no_code(site: Site) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        missing: list[str] = []
        page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
        page.goto(f"{site.url}/privacy/request?lang=en")
        page.get_by_label("Access: what data do you hold about me?").check()
        page.get_by_label("Your e-mail address").fill("stranger@example.nl")
        page.get_by_role("button", name="Send request").click()
        page.wait_for_url(re.compile(r"/privacy/request/[0-9a-f]{32}"))
        assert page.locator("#status").get_attribute("data-status") == "awaiting_identity"
        bodies = site.deliver()
        assert (
            len(bodies) == 1 and "we received your request for access" in bodies[0]
        )  # the acknowledgement only
        assert not any(re.search(r"^\s+\d{4} \d{4}\s*$", b, re.MULTILINE) for b in bodies)
        assert [u for u in missing if not u.endswith("/favicon.ico")] == []
        problems = [p for p in problems if not p.startswith("Failed to load resource")]  # the favicon
        assert problems == [], "the pages break the Content Security Policy or have script errors"
        screenshot(page, "request-portal-status-unknown-en")
