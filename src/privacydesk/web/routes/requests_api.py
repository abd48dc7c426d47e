"""The JSON API for data-subject requests (`/api/requests`), for scripts (Bearer token) and the admin.

Every route needs Permission.HANDLE_REQUESTS. With a browser session (not a token), a changing
call must carry the session's CSRF token in the `X-CSRF-Token` header.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from privacydesk.auth import Permission
from privacydesk.consent.keys import bind_settings
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.subject_requests import answer, identity, lifecycle
from privacydesk.subject_requests.domain import Channel, RequestKind
from privacydesk.subject_requests.intake import Intake, confirm_draft, open_request
from privacydesk.subject_requests.records import get_request
from privacydesk.subjects import get_subject
from privacydesk.web.access import Principal, require
from privacydesk.web.csrf import check_session_csrf

router = APIRouter(prefix="/api/requests", tags=["requests"])
Handler = Annotated[Principal, Depends(require(Permission.HANDLE_REQUESTS))]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A wrong, expired or used code (the same answer for each)."},
    404: {"description": "No request with that reference."},
    409: {"description": "Not allowed in the request's current state."},
    422: {"description": "Unusable input."},
}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewRequest(Body):
    types: list[RequestKind] = Field(min_length=1, description="One or more kinds of request.")
    email: str | None = Field(None, max_length=320)
    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    subject_ref: str | None = Field(None, max_length=32, description="Link to this subject directly.")
    to_organisation: str | None = Field(None, max_length=500, description="Portability: the receiving party.")
    lang: Literal["nl", "en"] = "nl"
    send_code: bool = Field(True, description="Send an identity code to an address the store holds.")


class Verify(Body):
    note: str | None = Field(None, max_length=2000, description="How staff confirmed the identity.")
    code: str | None = Field(None, max_length=20, description="The code the requester received.")


class Extend(Body):
    reason: str = Field(min_length=1, max_length=2000)
    months: int = Field(2, ge=1, le=2)


class Reason(Body):
    reason: str = Field(min_length=1, max_length=2000)


class Note(Body):
    note: str | None = Field(None, max_length=2000)


class IdentifierFix(Body):
    kind: Literal["email", "phone", "name", "address", "postcode", "iban"]
    old: str = Field(min_length=1, max_length=320)
    new: str = Field(min_length=1, max_length=320)


class Fulfil(Body):
    records: dict[int, dict[str, str]] | None = Field(
        None, description="Rectification: record id → field → value."
    )
    identifiers: list[IdentifierFix] | None = Field(
        None, description="Rectification: identifiers to replace."
    )
    purposes: list[str] | None = Field(
        None, description="Restriction/objection/consent: only these purposes."
    )


class Link(Body):
    subject_ref: str = Field(min_length=1, max_length=32)


class Decision(Body):
    accept: bool
    note: str = Field("", max_length=2000)


class Confirm(Body):
    types: list[RequestKind] | None = None


class RequestOut(BaseModel):
    ref: str
    status: str
    kinds: list[str]
    channel: str
    subject_ref: str | None
    matches: int
    received_on: date
    promised_due: date
    legal_due: date
    due: date
    days_left: int
    urgency: str


class RequestDetailOut(RequestOut):
    requester: dict[str, str | None]
    code_open: bool
    id_documents: int
    outcome: dict[str, Any]
    steps: list[dict[str, Any]]


class Created(BaseModel):
    ref: str
    status: str
    code_sent: bool


class StatusOut(BaseModel):
    ref: str
    status: str


class Answered(StatusOut):
    files: list[str]
    summaries: list[dict[str, Any]]


def _keyring(request: Request) -> Keyring:
    ring = getattr(request.app.state, "keyring", None)
    if ring is None:
        ring = Keyring.from_settings(request.app.state.settings)
        request.app.state.keyring = ring
    assert isinstance(ring, Keyring)
    return ring


def _csrf(request: Request) -> None:
    check_session_csrf(request, request.headers.get("x-csrf-token"))


@router.get("", response_model=list[RequestOut])
def list_requests(
    request: Request, principal: Handler, overdue: bool = False, include_closed: bool = False
) -> list[dict[str, Any]]:
    """The queue: overdue first, then nearly due, then the rest by due date."""
    with request.app.state.db.session_scope(readonly=True) as session:
        items = lifecycle.list_requests(
            session, today=date.today(), overdue_only=overdue, include_closed=include_closed
        )
        return [i.as_dict() for i in items]


@router.post("", response_model=Created, status_code=status.HTTP_201_CREATED, responses=ERRORS)
def create_request(request: Request, principal: Handler, body: NewRequest) -> dict[str, Any]:
    """Open a request on someone's behalf (channel `api`); acknowledges it and sends a code."""
    _csrf(request)
    keyring, base = _keyring(request), request.app.state.settings.base_url
    intake = Intake(
        kinds=[k.value for k in body.types],
        channel=Channel.API,
        email=body.email,
        name=body.name,
        phone=body.phone,
        target=body.to_organisation,
        lang=body.lang,
        subject_ref=body.subject_ref,
    )
    with request.app.state.db.session_scope() as session:
        reg = current_register(session)[1]
        req = open_request(
            session, keyring=keyring, register=reg, intake=intake, actor=principal.actor, base_url=base
        )
        sent = body.send_code and identity.start_identity_check(
            session, keyring=keyring, register=reg, request=req, actor=principal.actor, base_url=base
        )
        return {"ref": req.ref, "status": req.status, "code_sent": sent}


@router.get("/{ref}", response_model=RequestDetailOut, responses=ERRORS)
def show_request(request: Request, principal: Handler, ref: str) -> dict[str, Any]:
    """One request: the requester's details, both clocks and every step."""
    with request.app.state.db.session_scope(readonly=True) as session:
        req = get_request(session, ref=ref)
        detail = lifecycle.request_detail(session, keyring=_keyring(request), request=req, today=date.today())
        return detail.as_dict()


@router.post("/{ref}/verify", response_model=StatusOut, responses=ERRORS)
def verify_request(request: Request, principal: Handler, ref: str, body: Verify) -> dict[str, Any]:
    """Confirm the identity: `note` (staff checked) or `code` (what the requester received)."""
    _csrf(request)
    if (body.note is None) == (body.code is None):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "give exactly one of note or code")
    keyring = _keyring(request)
    with request.app.state.db.session_scope() as session:
        req = get_request(session, ref=ref)
        if body.code is not None:
            ok = identity.verify_code(
                session, keyring=keyring, request=req, code=body.code, actor=principal.actor
            )
        else:
            identity.confirm_identity(
                session, keyring=keyring, request=req, note=body.note or "", actor=principal.actor
            )
            ok = True
        result = {"ref": req.ref, "status": req.status}
    if not ok:  # after the commit: the failed attempt stays counted
        raise HTTPException(status.HTTP_400_BAD_REQUEST, identity.NEUTRAL_FAILURE)
    return result


@router.post("/{ref}/extend", response_model=RequestOut, responses=ERRORS)
def extend_request(request: Request, principal: Handler, ref: str, body: Extend) -> dict[str, Any]:
    """Extend the legal term (within the first month, up to two months), with a letter."""
    _csrf(request)
    with request.app.state.db.session_scope() as session:
        req = lifecycle.extend_request(
            session,
            keyring=_keyring(request),
            register=current_register(session)[1],
            request=get_request(session, ref=ref),
            months=body.months,
            reason=body.reason,
            today=date.today(),
            actor=principal.actor,
        )
        return lifecycle.queue_item(session, request=req, today=date.today()).as_dict()


@router.post("/{ref}/fulfil", response_model=Answered, responses=ERRORS)
def fulfil_request(request: Request, principal: Handler, ref: str, body: Fulfil) -> dict[str, Any]:
    """Carry out every kind of a verified request and send the answer letter."""
    _csrf(request)
    settings = request.app.state.settings
    extra: dict[str, Any] = {}
    if body.records:
        extra["records"] = body.records
    if body.identifiers:
        extra["identifiers"] = [(i.kind, i.old, i.new) for i in body.identifiers]
    if body.purposes:
        extra["purposes"] = body.purposes
    with request.app.state.db.session_scope() as session:
        bind_settings(session, settings)  # erasure's suppression list needs the settings' key
        result = answer.fulfil_request(
            session,
            keyring=_keyring(request),
            register=current_register(session)[1],
            request=get_request(session, ref=ref),
            out_dir=Path(settings.data_dir) / "exports",
            base_url=settings.base_url,
            today=date.today(),
            actor=principal.actor,
            extra=extra,
        )
    return {
        "ref": ref,
        "status": "answered",
        "files": [f.name for f in result.files],
        "summaries": result.summaries,
    }


@router.post("/{ref}/refuse", response_model=StatusOut, responses=ERRORS)
def refuse_request(request: Request, principal: Handler, ref: str, body: Reason) -> dict[str, Any]:
    """Refuse with reasons; the letter names the complaint route to the AP."""
    _csrf(request)
    with request.app.state.db.session_scope() as session:
        req = lifecycle.refuse_request(
            session,
            keyring=_keyring(request),
            register=current_register(session)[1],
            request=get_request(session, ref=ref),
            reason=body.reason,
            actor=principal.actor,
        )
        return {"ref": req.ref, "status": req.status}


@router.post("/{ref}/close", response_model=StatusOut, responses=ERRORS)
def close_request(request: Request, principal: Handler, ref: str, body: Note) -> dict[str, Any]:
    """Close an answered or refused request, or dismiss a draft."""
    _csrf(request)
    with request.app.state.db.session_scope() as session:
        req = lifecycle.close_request(
            session,
            keyring=_keyring(request),
            request=get_request(session, ref=ref),
            actor=principal.actor,
            note=body.note,
        )
        return {"ref": req.ref, "status": req.status}


@router.post("/{ref}/confirm", response_model=StatusOut, responses=ERRORS)
def confirm_request(request: Request, principal: Handler, ref: str, body: Confirm) -> dict[str, Any]:
    """Confirm a draft recognised from e-mail; it is acknowledged and gets a code."""
    _csrf(request)
    keyring, base = _keyring(request), request.app.state.settings.base_url
    with request.app.state.db.session_scope() as session:
        reg = current_register(session)[1]
        req = confirm_draft(
            session,
            keyring=keyring,
            register=reg,
            request=get_request(session, ref=ref),
            actor=principal.actor,
            base_url=base,
            kinds=[k.value for k in body.types] if body.types else None,
        )
        identity.start_identity_check(
            session, keyring=keyring, register=reg, request=req, actor=principal.actor, base_url=base
        )
        return {"ref": req.ref, "status": req.status}


@router.post("/{ref}/link", response_model=StatusOut, responses=ERRORS)
def link_request(request: Request, principal: Handler, ref: str, body: Link) -> dict[str, Any]:
    """Link the request to the one subject it is about (before verification)."""
    _csrf(request)
    with request.app.state.db.session_scope() as session:
        req = lifecycle.link_subject(
            session,
            request=get_request(session, ref=ref),
            subject=get_subject(session, ref=body.subject_ref),
            actor=principal.actor,
            keyring=_keyring(request),
        )
        return {"ref": req.ref, "status": req.status}


@router.post("/{ref}/ask-id", response_model=StatusOut, responses=ERRORS)
def ask_for_id_copy(request: Request, principal: Handler, ref: str, body: Reason) -> dict[str, Any]:
    """Ask for an ID copy — refused while a code can be sent to an address the store holds."""
    _csrf(request)
    with request.app.state.db.session_scope() as session:
        req = identity.ask_for_id_copy(
            session,
            keyring=_keyring(request),
            request=get_request(session, ref=ref),
            reason=body.reason,
            actor=principal.actor,
        )
        return {"ref": req.ref, "status": req.status}


@router.get(
    "/{ref}/id-document",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The ID copy."}, **ERRORS},
)
def show_id_copy(request: Request, principal: Handler, ref: str) -> Response:
    """The uploaded ID copy, for staff only, until the check is decided (then it is deleted)."""
    with request.app.state.db.session_scope() as session:
        req = get_request(session, ref=ref)
        docs = identity.id_documents(session, req)
        if not docs:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no ID copy waiting for this request")
        data = identity.read_id_document(_keyring(request), req, docs[-1])
        media = docs[-1].content_type
    return Response(data, media_type=media, headers={"Cache-Control": "no-store"})


@router.post("/{ref}/id-document/decision", response_model=StatusOut, responses=ERRORS)
def decide_id_copy(request: Request, principal: Handler, ref: str, body: Decision) -> dict[str, Any]:
    """Accept or reject the ID copy; it is deleted at once either way (the deletion is audited)."""
    _csrf(request)
    with request.app.state.db.session_scope() as session:
        req = identity.decide_id_document(
            session,
            keyring=_keyring(request),
            request=get_request(session, ref=ref),
            accept=body.accept,
            note=body.note,
            actor=principal.actor,
        )
        return {"ref": req.ref, "status": req.status}
