"""The ID check on the request portal, in a real Chromium: an unredacted copy is refused with the
image and boxes shown (never stored); a redacted one is accepted, kept watermarked and encrypted,
and deleted the moment staff decide. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from privacydesk.config import Settings
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.requests import IdentityDocument
from privacydesk.subject_requests import identity
from privacydesk.subject_requests.domain import Channel
from privacydesk.subject_requests.intake import Intake, open_request
from privacydesk.subject_requests.records import get_request
from privacydesk.subjects import create_subject
from tests.browser_support import ARTIFACTS, chromium, live_server, run_axe, screenshot
from tests.idcheck.synthetic import Specimen

pytestmark = pytest.mark.browser


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: the browser does not care which database is behind the pages."""
    target = tmp_path / "privacydesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@dataclass
class Waiting:
    url: str
    ref: str
    db: Database
    keyring: Keyring


def _request_awaiting_an_id_copy(db: Database, keyring: Keyring) -> str:
    """A request from someone we know only by phone: staff ask for an ID copy."""
    with db.session_scope() as session:
        register = current_register(session)[1]
        subject = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"name": ["Kees Bel"], "phone": ["0687654321"]},
            actor="test",
        )
        request = open_request(
            session,
            keyring=keyring,
            register=register,
            actor="test",
            base_url="https://portal.example",
            intake=Intake(
                kinds=["access"], channel=Channel.STAFF, phone="0687654321", subject_ref=subject.ref
            ),
        )
        identity.ask_for_id_copy(
            session, keyring=keyring, request=request, reason="no e-mail on file", actor="user:1"
        )
        return request.ref


@pytest.fixture
def waiting(settings: Settings, loaded_db: Database) -> Iterator[Waiting]:
    keyring = Keyring.from_settings(settings)
    ref = _request_awaiting_an_id_copy(loaded_db, keyring)
    with live_server(settings, loaded_db) as url:
        yield Waiting(url, ref, loaded_db, keyring)


def _upload(page: Any, specimen: Specimen) -> None:
    page.set_input_files(
        "#document", files=[{"name": "paspoort.png", "mimeType": "image/png", "buffer": specimen.data}]
    )
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state()


def _documents(db: Database) -> int:
    with db.session_scope(readonly=True) as session:
        return int(session.execute(select(func.count()).select_from(IdentityDocument)).scalar_one())


def _kept_copy(w: Waiting) -> Image.Image:
    with w.db.session_scope(readonly=True) as session:
        request = get_request(session, ref=w.ref)
        [doc] = identity.id_documents(session, request)
        return Image.open(io.BytesIO(identity.read_id_document(w.keyring, request, doc)))


def _refused(page: Any, w: Waiting, readable: Specimen) -> None:
    _upload(page, readable)
    alert = page.get_by_role("alert").inner_text()
    assert "pasfoto" in alert and "BSN" in alert and "niet bewaard" in alert
    assert page.get_by_role(
        "img", name="Je kopie, met een rode rand om elk deel dat nog leesbaar is"
    ).is_visible()
    assert run_axe(page) == []
    screenshot(page, "idcheck-portal-refused")
    assert _documents(w.db) == 0


def _accepted_then_decided(page: Any, w: Waiting, redacted: Specimen) -> None:
    _upload(page, redacted)
    assert "We hebben je kopie ontvangen" in page.content()
    screenshot(page, "idcheck-portal-accepted")
    kept = _kept_copy(w)
    assert kept.format == "JPEG"
    ARTIFACTS.mkdir(exist_ok=True)
    kept.save(ARTIFACTS / "idcheck-kept-watermarked.png")  # a generated specimen: nothing real
    pixels = np.asarray(kept.convert("RGB")).astype(int)
    assert ((pixels[..., 0] - pixels[..., 1] > 60) & (pixels[..., 0] - pixels[..., 2] > 40)).mean() > 0.02
    with w.db.session_scope() as session:
        identity.decide_id_document(
            session,
            keyring=w.keyring,
            request=get_request(session, ref=w.ref),
            accept=True,
            note="name matches",
            actor="user:1",
        )
    assert _documents(w.db) == 0
    with w.db.session_scope(readonly=True) as session:
        actions = set(session.execute(select(AuditEntry.action)).scalars())
    assert {"identity.document_refused", "identity.document_deleted"} <= actions


def test_an_unredacted_copy_is_refused_with_boxes_and_a_redacted_one_is_kept_watermarked_until_decided(
    waiting: Waiting, readable_card: Specimen, redacted_card: Specimen
) -> None:
    with chromium() as browser:
        # bypass_csp: axe-core is injected as an inline script, which our CSP rightly refuses
        page = browser.new_page(viewport={"width": 1000, "height": 900}, bypass_csp=True)
        page.goto(f"{waiting.url}/privacy/request/{waiting.ref}")
        _refused(page, waiting, readable_card)
        _accepted_then_decided(page, waiting, redacted_card)
