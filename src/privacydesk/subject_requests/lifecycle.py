"""The rest of a request's life: extend, refuse, close, and the queue as staff see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import IdentityChallenge, IdentityDocument, SubjectRequest
from privacydesk.store.models.subjects import Subject
from privacydesk.subject_requests import clock
from privacydesk.subject_requests.domain import CLOCK_RUNNING, OPEN_STATUSES, Status
from privacydesk.subject_requests.letters import send_letter
from privacydesk.subject_requests.records import Details, add_step, move_to, open_details, open_note, steps_of


def clocks_of(request: SubjectRequest, today: date) -> clock.Clocks:
    return clock.clocks(
        request.received_on,
        answer_term=request.answer_term,
        extension_months=request.extension_months,
        today=today,
        running=Status(request.status) in CLOCK_RUNNING,
    )


def letter_address(keyring: Keyring, request: SubjectRequest) -> str | None:
    """Where later letters go: the address given (proven by the code, or checked by staff)."""
    return open_details(keyring, request).email


def extend_request(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    request: SubjectRequest,
    months: int,
    reason: str,
    today: date,
    actor: str,
) -> SubjectRequest:
    """Extend the legal term (GDPR art. 12(3)), within the first month, with a reason and a letter."""
    if Status(request.status) not in OPEN_STATUSES:
        raise Refused(f"a request that is {request.status} cannot be extended")
    if not reason.strip():
        raise Refused("an extension needs a reason the requester will read", hint='--reason "…"')
    why_not = clock.may_extend(
        request.received_on, today=today, current_months=request.extension_months, extra_months=months
    )
    if why_not:
        raise Refused(f"the term cannot be extended: {why_not}")
    request.extension_months += months
    new_due = clock.legal_deadline(request.received_on, extension_months=request.extension_months)
    add_step(
        session,
        request=request,
        step="extended",
        action=audit.Action.REQUEST_EXTENDED,
        actor=actor,
        keyring=keyring,
        note=reason.strip(),
        details={"months": months, "legal_due": new_due.isoformat()},
    )
    address = letter_address(keyring, request)
    if address:
        send_letter(
            session,
            name="extension",
            to=address,
            register=register,
            request=request,
            actor=actor,
            key_suffix=f":{request.extension_months}",
            reason=reason.strip(),
            legal=new_due,
        )
    return request


def refuse_request(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    request: SubjectRequest,
    reason: str,
    actor: str,
) -> SubjectRequest:
    """Refuse (part of) a request with reasons and the complaint route (GDPR art. 12(4))."""
    if not reason.strip():
        raise Refused("a refusal needs its reasons, which the requester will read", hint='--reason "…"')
    move_to(request, Status.REFUSED)
    request.answered_at = utcnow()
    request.paused_since = None
    add_step(
        session,
        request=request,
        step="refused",
        action=audit.Action.REQUEST_REFUSED,
        actor=actor,
        keyring=keyring,
        note=reason.strip(),
    )
    address = letter_address(keyring, request)
    if address:
        send_letter(
            session,
            name="refusal",
            to=address,
            register=register,
            request=request,
            actor=actor,
            reason=reason.strip(),
        )
    return request


def close_request(
    session: Session, *, keyring: Keyring, request: SubjectRequest, actor: str, note: str | None = None
) -> SubjectRequest:
    """Close an answered or refused request (or dismiss a draft that was not a request)."""
    move_to(request, Status.CLOSED)
    request.closed_at = utcnow()
    add_step(
        session,
        request=request,
        step="closed",
        action=audit.Action.REQUEST_CLOSED,
        actor=actor,
        keyring=keyring,
        note=note,
    )
    return request


@dataclass(frozen=True)
class QueueItem:
    """One request as the queue lists it: no personal data, only the reference and the clocks."""

    ref: str
    status: str
    kinds: list[str]
    channel: str
    subject_ref: str | None
    matches: int
    clocks: clock.Clocks

    def as_dict(self) -> dict[str, Any]:
        c = self.clocks
        return {
            "ref": self.ref,
            "status": self.status,
            "kinds": self.kinds,
            "channel": self.channel,
            "subject_ref": self.subject_ref,
            "matches": self.matches,
            "received_on": c.received.isoformat(),
            "promised_due": c.promised.isoformat(),
            "legal_due": c.legal.isoformat(),
            "due": c.due.isoformat(),
            "days_left": c.days_left,
            "urgency": c.urgency.value,
        }


def list_requests(
    session: Session, *, today: date, overdue_only: bool = False, include_closed: bool = False
) -> list[QueueItem]:
    """The queue: overdue first, then nearly due, then the rest by due date; closed ones last."""
    query = select(SubjectRequest, Subject.ref).outerjoin(Subject, Subject.id == SubjectRequest.subject_id)
    if not include_closed:
        query = query.where(SubjectRequest.status != Status.CLOSED.value)
    items = [
        QueueItem(r.ref, r.status, list(r.kinds), r.channel, subject_ref, r.matches, clocks_of(r, today))
        for r, subject_ref in session.execute(query).all()
    ]
    if overdue_only:
        items = [i for i in items if i.clocks.urgency is clock.Urgency.OVERDUE]
    return sorted(items, key=lambda i: clock.queue_order(i.clocks))


@dataclass(frozen=True)
class StepView:
    at: str
    actor: str
    step: str
    status: str
    note: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class RequestDetail:
    """A request as staff see it: the queue line, what the requester wrote, and every step."""

    item: QueueItem
    requester: Details
    steps: list[StepView] = field(default_factory=list)
    code_open: bool = False
    id_documents: int = 0
    outcome: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.item.as_dict(),
            "requester": self.requester.as_dict(),
            "code_open": self.code_open,
            "id_documents": self.id_documents,
            "outcome": self.outcome,
            "steps": [s.__dict__ for s in self.steps],
        }


def queue_item(session: Session, *, request: SubjectRequest, today: date) -> QueueItem:
    """One request as the queue shows it."""
    subject = session.get(Subject, request.subject_id) if request.subject_id else None
    return QueueItem(
        request.ref,
        request.status,
        list(request.kinds),
        request.channel,
        subject.ref if subject else None,
        request.matches,
        clocks_of(request, today),
    )


def request_detail(
    session: Session, *, keyring: Keyring, request: SubjectRequest, today: date
) -> RequestDetail:
    item = queue_item(session, request=request, today=today)
    steps = [
        StepView(
            s.at.isoformat(timespec="seconds"),
            s.actor,
            s.step,
            s.status,
            open_note(keyring, request, s.note_enc),
            dict(s.details),
        )
        for s in steps_of(session, request)
    ]
    code_open = (
        session.execute(
            select(IdentityChallenge.id).where(
                IdentityChallenge.request_id == request.id, IdentityChallenge.ended_at.is_(None)
            )
        ).first()
        is not None
    )
    docs = len(
        session.execute(select(IdentityDocument.id).where(IdentityDocument.request_id == request.id)).all()
    )
    return RequestDetail(item, open_details(keyring, request), steps, code_open, docs, dict(request.outcome))


def link_subject(
    session: Session,
    *,
    request: SubjectRequest,
    subject: Subject,
    actor: str,
    keyring: Keyring,
    note: str | None = None,
) -> SubjectRequest:
    """Staff link a request to the one subject it is about (e.g. when a household shares an address)."""
    if (
        Status(request.status) not in OPEN_STATUSES
        or request.status == Status.VERIFIED
        and request.subject_id
    ):
        raise Refused(f"a request that is {request.status} cannot be linked to another subject now")
    request.subject_id, request.matches = subject.id, 1
    add_step(
        session,
        request=request,
        step="linked",
        action=audit.Action.REQUEST_CONFIRMED,
        actor=actor,
        keyring=keyring,
        note=note,
        details={"subject": subject.ref},
    )
    return request
