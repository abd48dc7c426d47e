"""OpenDSR: another controller sends a request with its own id, reads its status, and discovers
what is supported. Idempotent by the sender's id; a token is required."""

from __future__ import annotations

import base64
import json
from typing import Any

from privacydesk.store.db import Database
from tests.requests.conftest import People, api_token
from tests.requests.helpers import outbox

BODY = {
    "subject_request_id": "a7551968-d5d6-44b2-9831-815ac9017798",
    "subject_request_type": "erasure",
    "submitted_time": "2026-11-20T10:00:00Z",
    "subject_identities": [
        {"identity_type": "email", "identity_value": "jan.jansen@example.nl", "identity_format": "raw"}
    ],
    "api_version": "1.0",
}


def test_discovery_lists_types_and_identities_without_a_token(portal: Any) -> None:
    answer = portal.get("/opendsr/v1/discovery")
    assert answer.status_code == 200
    body = answer.json()
    assert {"access", "erasure", "portability"} <= set(body["supported_subject_request_types"])
    assert {"identity_type": "email", "identity_format": "raw"} in body["supported_identities"]


def test_a_request_is_received_once_and_its_status_can_be_read(
    portal: Any, loaded_db: Database, people: People
) -> None:
    h = {"authorization": f"Bearer {api_token(loaded_db, 'partner@ocqto.example', 'staff')}"}
    first = portal.post("/opendsr/v1/requests", json=BODY, headers=h)
    assert first.status_code == 201, first.text
    assert first.json()["subject_request_id"] == BODY["subject_request_id"]
    assert json.loads(base64.b64decode(first.json()["encoded_request"]))["subject_request_type"] == "erasure"
    second = portal.post("/opendsr/v1/requests", json=BODY, headers=h)
    assert second.status_code == 201
    queue = portal.get("/api/requests", headers=h).json()
    assert len(queue) == 1 and queue[0]["channel"] == "opendsr" and queue[0]["subject_ref"] == people.jan
    status = portal.get(f"/opendsr/v1/requests/{BODY['subject_request_id']}", headers=h)
    assert status.json()["request_status"] == "pending"
    assert len([m for m in outbox(loaded_db) if ":identity_code:" in m.key]) == 1


def test_requests_need_a_token_and_unknown_ids_are_404(portal: Any, loaded_db: Database) -> None:
    assert portal.post("/opendsr/v1/requests", json=BODY).status_code == 401
    h = {"authorization": f"Bearer {api_token(loaded_db, 'partner@ocqto.example', 'staff')}"}
    assert portal.get("/opendsr/v1/requests/does-not-exist", headers=h).status_code == 404


def test_hashed_identities_are_refused_with_422(portal: Any, loaded_db: Database) -> None:
    h = {"authorization": f"Bearer {api_token(loaded_db, 'partner@ocqto.example', 'staff')}"}
    body = {
        **BODY,
        "subject_identities": [
            {"identity_type": "email", "identity_value": "ab" * 32, "identity_format": "sha256"}
        ],
    }
    assert portal.post("/opendsr/v1/requests", json=body, headers=h).status_code == 422
