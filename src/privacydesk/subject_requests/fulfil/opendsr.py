"""Erasure tasks for processors in the shape of an OpenDSR request (opengdpr/OpenDSR, section 7).

Identities travel as SHA-256 of the normalised value (`identity_format: "sha256"`, which the
specification allows), so a task kept after the erasure does not hold the erased address itself;
the processor hashes its own records the same way to find the person.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

API_VERSION = "1.0"
IDENTITY_TYPES = {"email": "email", "phone": "phone_number"}


def hashed_identity(kind: str, normalised: str) -> dict[str, str]:
    return {
        "identity_type": IDENTITY_TYPES[kind],
        "identity_value": hashlib.sha256(normalised.encode()).hexdigest(),
        "identity_format": "sha256",
    }


def erasure_request(
    *,
    identities: list[tuple[str, str]],
    submitted_time: datetime,
    processor_key: str,
    categories: list[str],
    callback_url: str | None = None,
) -> dict[str, Any]:
    """An OpenDSR erasure request for one processor: identities are (kind, normalised value)."""
    body: dict[str, Any] = {
        "regulation": "gdpr",
        "subject_request_id": str(uuid.uuid4()),
        "subject_request_type": "erasure",
        "submitted_time": submitted_time.isoformat().replace("+00:00", "Z"),
        "subject_identities": [hashed_identity(k, v) for k, v in identities if k in IDENTITY_TYPES],
        "api_version": API_VERSION,
        "extensions": {processor_key: {"data_categories": sorted(categories)}},
    }
    if callback_url:
        body["status_callback_urls"] = [callback_url]
    return body
