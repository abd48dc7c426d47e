"""End to end in a real Chromium: a person files a request on the portal, confirms it with the code
from the e-mail caught by a local SMTP server (aiosmtpd), staff carry it out in the admin, and the
person downloads the answer ZIP through the link in the answer letter — once."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from privacydesk.config import Settings
from privacydesk.outbox import send_pending
from privacydesk.store.db import Database
from tests.browser_support import chromium, free_port, live_server, screenshot
from tests.conftest import Person
from tests.outbox.conftest import Mailbox
from tests.web.conftest import add_jan

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Portal:
    url: str
    db: Database
    settings: Settings
    mailbox: Mailbox

    def deliver(self) -> list[str]:
        """Send what the outbox holds to the local SMTP server; the bodies of the new messages."""
        seen = len(self.mailbox.messages)
        send_pending(self.db, self.settings)
        return [str(m.get_body(("plain",)).get_content()) for m in self.mailbox.messages[seen:]]  # type: ignore[union-attr]


@pytest.fixture
def portal(settings: Settings, loaded_db: Database, mailbox: Mailbox) -> Iterator[Portal]:
    add_jan(loaded_db, settings)
    cfg = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": mailbox.port})
    with live_server(cfg, loaded_db) as url:
        yield Portal(url, loaded_db, cfg, mailbox)


def _file_request(page: Any, portal: Portal) -> str:
    page.goto(f"{portal.url}/privacy/request?lang=en")
    page.get_by_label("Access: what data do you hold about me?").check()
    page.get_by_label("Your e-mail address").fill("jan.jansen@example.nl")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url(re.compile(r"/privacy/request/[0-9a-f]{32}"))
    match = re.search(r"/privacy/request/([0-9a-f]{32})", page.url)
    assert match
    return match.group(1)


def _code(bodies: list[str]) -> str:
    for body in bodies:
        found = re.search(r"^\s+(\d{4} \d{4})\s*$", body, re.MULTILINE)
        if found:
            return found.group(1)
    raise AssertionError("no identity code was e-mailed")


def _staff_fulfil(browser: Any, portal: Portal, staff: Person, ref: str) -> None:
    page = browser.new_page()
    page.goto(f"{portal.url}/login")
    page.get_by_label("E-mail").fill(staff.email)
    page.get_by_label("Password").fill(staff.password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{portal.url}/admin/requests/{ref}")
    page.get_by_role("button", name="Carry out the request").click()
    page.wait_for_url(re.compile(r"done="))
    screenshot(page, "admin-request-answered")
    page.close()


def test_a_person_files_verifies_and_downloads_their_answer_after_staff_fulfil_it(
    portal: Portal, staff: Person
) -> None:
    with chromium() as browser:
        person = browser.new_page()
        ref = _file_request(person, portal)
        code = _code(portal.deliver())
        person.get_by_label("Code (8 digits)").fill(code)
        person.get_by_role("button", name="Confirm", exact=True).click()
        person.wait_for_load_state()
        screenshot(person, "portal-request-verified")
        _staff_fulfil(browser, portal, staff, ref)
        letter = "\n".join(portal.deliver())
        # The letter names the configured public URL; the test server listens on another port.
        path = re.search(r"/privacy/download/[^\s>]+", letter)
        assert path, letter
        link = portal.url + path.group(0)
        with person.expect_download() as download:
            person.evaluate("url => { window.location.href = url }", link)
        data = Path(download.value.path()).read_bytes()
        assert zipfile.ZipFile(io.BytesIO(data)).namelist()
        second = person.goto(link)
        assert second is not None and second.status in (404, 410)
