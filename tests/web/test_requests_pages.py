"""Requests in the admin: the queue with both clocks, a request's page (audited), and its steps as
buttons whose refusals show next to the field."""

from __future__ import annotations

import re
from typing import Any

from privacydesk.config import Settings
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.subject_requests.domain import Channel
from privacydesk.subject_requests.intake import Intake, open_request
from tests.conftest import Person
from tests.web.conftest import add_jan, log_in


def _request(db: Database, settings: Settings) -> str:
    add_jan(db, settings)
    with db.session_scope() as session:
        _, register = current_register(session)
        opened = open_request(
            session,
            keyring=Keyring.from_settings(settings),
            register=register,
            intake=Intake(kinds=["access"], channel=Channel.PORTAL, email="jan.jansen@example.nl"),
            actor="anonymous",
            base_url=settings.base_url,
        )
        return opened.ref


def test_the_queue_shows_a_new_request_with_both_deadlines(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = _request(loaded_db, settings)
    log_in(client, loaded_db, staff)
    page = client.get("/admin/requests")
    assert f"/admin/requests/{ref}" in page.text
    assert "Promised by" in page.text and "Legal deadline" in page.text
    assert "jan.jansen" not in page.text  # the queue shows no personal data


def test_opening_a_request_shows_the_requester_and_is_audited(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = _request(loaded_db, settings)
    log_in(client, loaded_db, staff)
    page = client.get(f"/admin/requests/{ref}")
    assert "jan.jansen@example.nl" in page.text and "Send an identity code" in page.text
    with loaded_db.session_scope(readonly=True) as session:
        viewed = session.query(AuditEntry).filter_by(action="subject.viewed", target_id=ref).count()
    assert viewed == 1


def test_confirming_identity_needs_a_note_and_then_verifies_the_request(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = _request(loaded_db, settings)
    logged_in = log_in(client, loaded_db, staff)
    url = f"/admin/requests/{ref}/steps/confirm-identity"
    refused = client.post(url, data={"csrf": logged_in.csrf, "note": ""})
    assert refused.status_code == 422 and 'id="confirm-identity-note-error"' in refused.text
    client.post(url, data={"csrf": logged_in.csrf, "note": "known customer, called back"})
    assert "Status</dt><dd>verified" in client.get(f"/admin/requests/{ref}").text


def test_an_auditor_cannot_open_the_request_queue(
    client: Any, loaded_db: Database, settings: Settings, auditor: Person
) -> None:
    ref = _request(loaded_db, settings)
    log_in(client, loaded_db, auditor)
    assert client.get("/admin/requests").status_code == 403
    assert client.get(f"/admin/requests/{ref}").status_code == 403


def test_a_verified_access_request_is_carried_out_and_its_zip_is_downloadable_by_staff(
    client: Any, loaded_db: Database, settings: Settings, staff: Person
) -> None:
    ref = _request(loaded_db, settings)
    logged_in = log_in(client, loaded_db, staff)
    steps = f"/admin/requests/{ref}/steps"
    client.post(f"{steps}/confirm-identity", data={"csrf": logged_in.csrf, "note": "known customer"})
    client.post(f"{steps}/fulfil", data={"csrf": logged_in.csrf})
    page = client.get(f"/admin/requests/{ref}")
    assert "Status</dt><dd>answered" in page.text
    link = re.search(rf'href="(/admin/requests/{ref}/files/[^"]+\.zip)"', page.text)
    assert link, page.text
    answer = client.get(link.group(1))
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    assert client.get(f"/admin/requests/{ref}/files/..%2Fsecret.zip").status_code == 404
