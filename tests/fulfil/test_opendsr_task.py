"""Processor erasure tasks have the shape of an OpenDSR request and hold no readable identifier."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from privacydesk.subject_requests.fulfil.opendsr import erasure_request


def _request() -> dict[str, object]:
    return erasure_request(
        identities=[("email", "marieke@example.nl"), ("phone", "+31612345678"), ("name", "marieke de vries")],
        submitted_time=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        processor_key="manychat",
        categories=["email", "name"],
    )


def test_the_request_has_the_required_opendsr_fields() -> None:
    body = _request()
    assert body["regulation"] == "gdpr"
    assert body["subject_request_type"] == "erasure"
    assert body["submitted_time"] == "2026-11-02T09:00:00Z"
    assert uuid.UUID(str(body["subject_request_id"])).version == 4


def test_identities_are_sent_as_sha256_and_names_are_not_sent() -> None:
    identities = _request()["subject_identities"]
    assert identities == [
        {
            "identity_type": "email",
            "identity_format": "sha256",
            "identity_value": hashlib.sha256(b"marieke@example.nl").hexdigest(),
        },
        {
            "identity_type": "phone_number",
            "identity_format": "sha256",
            "identity_value": hashlib.sha256(b"+31612345678").hexdigest(),
        },
    ]
    assert "marieke" not in json.dumps(_request())
