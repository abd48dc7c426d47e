"""The ID copy, only when no code can be sent: uploaded on the portal, refused while the photo,
MRZ, number or BSN is readable, kept sealed, shown to staff only, deleted once decided."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.requests import IdentityDocument
from privacydesk.subject_requests import identity
from privacydesk.subject_requests.records import get_request
from tests.requests.conftest import People, api_token
from tests.requests.helpers import audit_actions, open_

pytest.importorskip("cv2")
from tests.idcheck.synthetic import ALL_PARTS, make_specimen  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _asked(db: Database, keyring: Keyring, register: Register, people: People) -> str:
    ref = open_(db, keyring, register, phone="0687654321", subject_ref=people.phone_only)
    with db.session_scope() as session:
        identity.ask_for_id_copy(
            session,
            keyring=keyring,
            request=get_request(session, ref=ref),
            reason="no e-mail address on file",
            actor="user:1",
        )
    return ref


def _upload(portal: Any, ref: str, data: bytes, name: str) -> Any:
    page = portal.get(f"/privacy/request/{ref}")
    assert "Stuur een kopie van je identiteitsbewijs" in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    return portal.post(
        f"/privacy/request/{ref}/id-document",
        data={"csrf": token, "lang": "nl"},
        files={"document": (name, data, "image/png")},
    )


def _documents(db: Database) -> int:
    with db.session_scope(readonly=True) as session:
        return int(session.execute(select(func.count()).select_from(IdentityDocument)).scalar_one())


def test_a_readable_id_copy_is_refused_and_not_kept(
    portal: Any, loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = _asked(loaded_db, keyring, register, people)
    answer = _upload(portal, ref, make_specimen("card", ALL_PARTS, "flat", seed=21).data, "id.png")
    assert answer.status_code == 400 and "zwart" in answer.text.lower()
    assert _documents(loaded_db) == 0
    assert "identity.document_refused" in audit_actions(loaded_db)


def test_a_redacted_copy_is_kept_sealed_shown_to_staff_and_deleted_when_decided(
    portal: Any, loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = _asked(loaded_db, keyring, register, people)
    image = make_specimen("card", frozenset(), "flat", seed=22).data
    assert _upload(portal, ref, image, "id.png").status_code == 200
    assert _documents(loaded_db) == 1
    staff = {"authorization": f"Bearer {api_token(loaded_db, 'sam@ocqto.example', 'staff')}"}
    auditor = {"authorization": f"Bearer {api_token(loaded_db, 'aad@ocqto.example', 'auditor')}"}
    assert portal.get(f"/api/requests/{ref}/id-document", headers=auditor).status_code == 403
    shown = portal.get(f"/api/requests/{ref}/id-document", headers=staff)
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("image/")
    assert len(shown.content) > 1000 and shown.headers["cache-control"] == "no-store"
    decided = portal.post(
        f"/api/requests/{ref}/id-document/decision", json={"accept": True, "note": "ok"}, headers=staff
    )
    assert decided.json()["status"] == "verified"
    assert _documents(loaded_db) == 0
    assert portal.get(f"/api/requests/{ref}/id-document", headers=staff).status_code == 404
    assert "identity.document_deleted" in audit_actions(loaded_db)


def test_no_upload_form_and_no_upload_when_nobody_asked_for_a_copy(
    portal: Any, loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    with loaded_db.session_scope() as session:
        identity.start_identity_check(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            actor="test",
            base_url="https://x",
        )
    page = portal.get(f"/privacy/request/{ref}")
    assert 'action="/privacy/request/' + ref + '/id-document"' not in page.text
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    answer = portal.post(
        f"/privacy/request/{ref}/id-document",
        data={"csrf": token},
        files={"document": ("id.png", b"\x89PNG", "image/png")},
    )
    assert answer.status_code == 404 and _documents(loaded_db) == 0


def test_an_undecided_id_copy_is_deleted_after_seven_days_and_the_deletion_is_a_step(
    portal: Any, loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    from datetime import timedelta

    from privacydesk.store.base import utcnow

    ref = _asked(loaded_db, keyring, register, people)
    _upload(portal, ref, make_specimen("card", frozenset(), "flat", seed=23).data, "id.png")
    assert _documents(loaded_db) == 1
    with loaded_db.session_scope() as session:
        assert (
            identity.purge_stale_id_documents(session, now=utcnow() + timedelta(days=6), actor="system:t")
            == 0
        )
        assert (
            identity.purge_stale_id_documents(session, now=utcnow() + timedelta(days=8), actor="system:t")
            == 1
        )
    assert _documents(loaded_db) == 0
    assert "identity.document_deleted" in audit_actions(loaded_db)
