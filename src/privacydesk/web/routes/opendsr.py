"""OpenDSR-compatible endpoints, so that another controller can send requests the standard way.

- `GET  /opendsr/v1/discovery` — what this system accepts (public: it says nothing about anyone).
- `POST /opendsr/v1/requests` — a new request; `subject_request_id` is the sender's own id (a UUID)
  and makes the call idempotent.
- `GET  /opendsr/v1/requests/{subject_request_id}` — its status.

Authentication: an API token (`Authorization: Bearer …`, from `privacydesk tokens create`) whose
role may handle requests. A request that arrives here goes through the same identity check as any
other: the code goes only to an address the store holds for the person.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk.auth import Permission
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.subject_requests import identity
from privacydesk.subject_requests.domain import Channel, RequestKind, Status
from privacydesk.subject_requests.intake import Intake, open_request
from privacydesk.subject_requests.lifecycle import clocks_of
from privacydesk.web.access import Principal, public, require

router = APIRouter(prefix="/opendsr/v1", tags=["opendsr"])
Handler = Annotated[Principal, Depends(require(Permission.HANDLE_REQUESTS))]
API_VERSION = "1.0"
SUPPORTED_TYPES = [k.value for k in RequestKind]
_STATUS = {
    Status.DRAFT: "pending",
    Status.RECEIVED: "pending",
    Status.AWAITING_IDENTITY: "pending",
    Status.VERIFIED: "pending",
    Status.IN_PROGRESS: "in_progress",
    Status.ANSWERED: "completed",
    Status.REFUSED: "cancelled",
}


class Identity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identity_type: Literal["email", "phone_number"]
    identity_value: str = Field(min_length=3, max_length=320)
    identity_format: Literal["raw"] = "raw"


class OpenDsrRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    subject_request_id: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")
    subject_request_type: RequestKind
    subject_identities: list[Identity] = Field(min_length=1, max_length=5)
    submitted_time: datetime | None = None
    api_version: str = API_VERSION
    property_id: str | None = Field(None, max_length=100)
    status_callback_urls: list[str] = Field(default_factory=list, max_length=5)


class Created(BaseModel):
    controller_id: str
    subject_request_id: str
    received_time: datetime
    expected_completion_time: datetime
    encoded_request: str


class RequestStatus(BaseModel):
    controller_id: str
    subject_request_id: str
    request_status: Literal["pending", "in_progress", "completed", "cancelled"]
    expected_completion_time: datetime
    api_version: str


def _keyring(request: Request) -> Keyring:
    ring = getattr(request.app.state, "keyring", None)
    if ring is None:
        ring = Keyring.from_settings(request.app.state.settings)
        request.app.state.keyring = ring
    assert isinstance(ring, Keyring)
    return ring


def controller_id(register: Register) -> str:
    return re.sub(r"[^a-z0-9]+", "_", register.controller.legal_name.lower()).strip("_")


def _fingerprint(keyring: Keyring, external_id: str) -> str:
    return keyring.keyed_hash("opendsr", external_id)


def _expected(req: SubjectRequest) -> datetime:
    return datetime.combine(clocks_of(req, req.received_on).due, time(23, 59, 59), tzinfo=UTC)


def _status_of(req: SubjectRequest) -> str:
    if req.status == Status.CLOSED:
        return "cancelled" if req.outcome.get("summaries") is None else "completed"
    return _STATUS[Status(req.status)]


@router.get("/discovery")
@public
def discovery(request: Request) -> dict[str, Any]:
    """What this controller accepts: request types, identity types and how to authenticate."""
    with request.app.state.db.session_scope(readonly=True) as session:
        reg = current_register(session)[1]
    return {
        "api_version": API_VERSION,
        "controller_id": controller_id(reg),
        "supported_identities": [
            {"identity_type": "email", "identity_format": "raw"},
            {"identity_type": "phone_number", "identity_format": "raw"},
        ],
        "supported_subject_request_types": SUPPORTED_TYPES,
        "supported_status_callback_urls": False,
        "authentication": "Authorization: Bearer <API token with the handle_requests permission>",
    }


def _intake(body: OpenDsrRequest, fingerprint: str) -> Intake:
    values = {i.identity_type: i.identity_value for i in body.subject_identities}
    return Intake(
        kinds=[body.subject_request_type.value],
        channel=Channel.OPENDSR,
        email=values.get("email"),
        phone=values.get("phone_number"),
        fingerprint=fingerprint,
    )


def _find(session: Session, fingerprint: str) -> SubjectRequest | None:
    return session.execute(
        select(SubjectRequest).where(SubjectRequest.source_fingerprint == fingerprint)
    ).scalar_one_or_none()


@router.post(
    "/requests",
    response_model=Created,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "Unusable input."}},
)
def create(request: Request, principal: Handler, body: OpenDsrRequest) -> dict[str, Any]:
    """Receive a request; the same `subject_request_id` twice opens one request."""
    keyring, base = _keyring(request), request.app.state.settings.base_url
    fingerprint = _fingerprint(keyring, body.subject_request_id)
    with request.app.state.db.session_scope() as session:
        reg = current_register(session)[1]
        req = _find(session, fingerprint)
        if req is None:
            req = open_request(
                session,
                keyring=keyring,
                register=reg,
                intake=_intake(body, fingerprint),
                actor=principal.actor,
                base_url=base,
            )
            identity.start_identity_check(
                session, keyring=keyring, register=reg, request=req, actor=principal.actor, base_url=base
            )
        encoded = base64.b64encode(json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()).decode()
        return {
            "controller_id": controller_id(reg),
            "subject_request_id": body.subject_request_id,
            "received_time": req.received_at,
            "expected_completion_time": _expected(req),
            "encoded_request": encoded,
        }


@router.get(
    "/requests/{subject_request_id}",
    response_model=RequestStatus,
    responses={404: {"description": "No request with that id."}},
)
def status_of(request: Request, principal: Handler, subject_request_id: str) -> dict[str, Any]:
    """The status of a request sent earlier, by the sender's own id."""
    fingerprint = _fingerprint(_keyring(request), subject_request_id[:100])
    with request.app.state.db.session_scope(readonly=True) as session:
        req = _find(session, fingerprint)
        if req is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no request with that id")
        reg = current_register(session)[1]
        return {
            "controller_id": controller_id(reg),
            "subject_request_id": subject_request_id,
            "request_status": _status_of(req),
            "expected_completion_time": _expected(req),
            "api_version": API_VERSION,
        }
