"""Shared plumbing of the request services: the request's own data key, its sealed details, its
steps (append-only, each audited) and status changes through the transition table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, open_json, seal_json
from privacydesk.store.models.requests import RequestStep, SubjectRequest
from privacydesk.subject_requests.domain import Status, check_transition


@dataclass(frozen=True)
class Details:
    """What the requester told us (sealed in the database)."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None
    message: str | None = None
    target: str | None = None  # portability: the organisation to send the data to

    def as_dict(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def target_of(request: SubjectRequest) -> str:
    """How a request appears in the audit log: by its random reference."""
    return request.ref


def _key(keyring: Keyring, request: SubjectRequest) -> bytes:
    return keyring.unwrap(request.wrapped_key, f"request:{request.ref}")


def seal_details(keyring: Keyring, request: SubjectRequest, details: Details) -> None:
    if request.wrapped_key is None:
        _, request.wrapped_key = keyring.new_subject_key(f"request:{request.ref}")
    request.details_enc = seal_json(
        _key(keyring, request), details.as_dict(), f"request:{request.ref}".encode()
    )


def open_details(keyring: Keyring, request: SubjectRequest) -> Details:
    if request.details_enc is None or request.wrapped_key is None:
        return Details()
    values = open_json(_key(keyring, request), request.details_enc, f"request:{request.ref}".encode())
    return Details(**{k: values.get(k) for k in Details.__dataclass_fields__})


def seal_note(keyring: Keyring, request: SubjectRequest, note: str | None) -> bytes | None:
    if not note or request.wrapped_key is None:
        return None
    return seal_json(_key(keyring, request), note, f"request-note:{request.ref}".encode())


def open_note(keyring: Keyring, request: SubjectRequest, blob: bytes | None) -> str | None:
    if blob is None or request.wrapped_key is None:
        return None
    return str(open_json(_key(keyring, request), blob, f"request-note:{request.ref}".encode()))


def add_step(
    session: Session,
    *,
    request: SubjectRequest,
    step: str,
    action: audit.Action,
    actor: str,
    keyring: Keyring | None = None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
    reason: str | None = None,
) -> RequestStep:
    """Append a step (with its note sealed) and the matching audit entry, in the same transaction."""
    row = RequestStep(
        request_id=request.id,
        at=utcnow(),
        actor=actor,
        step=step,
        status=request.status,
        note_enc=seal_note(keyring, request, note) if keyring else None,
        details=details or {},
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action=action,
        actor=actor,
        target_type="request",
        target_id=target_of(request),
        reason=reason,
        details={"step": step, "status": request.status, **(details or {})},
    )
    return row


def move_to(request: SubjectRequest, target: Status) -> None:
    """Change the status through the transition table (InvalidTransition otherwise)."""
    check_transition(request.status, target)
    request.status = target.value


def get_request(session: Session, *, ref: str, for_update: bool = False) -> SubjectRequest:
    """The request with this reference. The error never says whether a similar one exists."""
    query = select(SubjectRequest).where(SubjectRequest.ref == ref.strip().lower())
    if for_update:
        query = query.with_for_update()
    request = session.execute(query).scalar_one_or_none()
    if request is None:
        raise NotFound("no request with that reference", hint="check the reference (32 characters)")
    return request


def steps_of(session: Session, request: SubjectRequest) -> list[RequestStep]:
    return list(
        session.execute(
            select(RequestStep).where(RequestStep.request_id == request.id).order_by(RequestStep.id)
        ).scalars()
    )
