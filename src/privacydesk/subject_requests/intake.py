"""Opening a request, from any channel, into the one queue.

1. The requester's details are normalised and sealed under the request's own key.
2. The store is searched for a subject holding that e-mail (blind index, no decryption); a name
   given too narrows a shared address (a household) to one person. Only an unambiguous match is
   linked; anything else waits for staff, and the requester is told the same either way.
3. The acknowledgement goes to the address given (it says nothing about whether we know them);
   the identity code goes only to an address the store already holds (see identity.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise_email, normalise_name, normalise_phone
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.store.models.subjects import Subject
from privacydesk.subject_requests import clock
from privacydesk.subject_requests.domain import Channel, Status, parse_kinds
from privacydesk.subject_requests.letters import send_letter
from privacydesk.subject_requests.records import Details, add_step, move_to, seal_details
from privacydesk.subjects import find_by_identifier, get_subject

MAX_MESSAGE = 5000


@dataclass(frozen=True)
class Intake:
    """What arrived: the kinds asked for and who asks, from which channel."""

    kinds: list[str]
    channel: Channel
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    message: str | None = None
    target: str | None = None
    lang: str = "nl"
    subject_ref: str | None = None
    fingerprint: str | None = None


def _clean(intake: Intake) -> Details:
    try:
        email = normalise_email(intake.email) if intake.email else None
        phone = normalise_phone(intake.phone) if intake.phone else None
        name = normalise_name(intake.name) if intake.name and intake.name.strip() else None
    except InvalidIdentifier as exc:
        raise UnusableInput(f"field '{exc.field}': {exc.reason}", hint=f"correct the {exc.field}") from None
    if email is None and phone is None and intake.subject_ref is None:
        raise UnusableInput("a request needs an e-mail address or a phone number", hint="give --email")
    message = (intake.message or "").strip()[:MAX_MESSAGE] or None
    target = (intake.target or "").strip()[:500] or None
    return Details(email=email, name=name, phone=phone, message=message, target=target)


def match_subject(session: Session, *, keyring: Keyring, details: Details) -> tuple[Subject | None, int]:
    """The one subject these details point to, and how many matched (0, 1 or more: ambiguous)."""
    kind, value = ("email", details.email) if details.email else ("phone", details.phone)
    if value is None:
        return None, 0
    found = find_by_identifier(session, keyring=keyring, kind=kind, value=value)
    if len(found) > 1 and details.name:
        named = {s.id for s in find_by_identifier(session, keyring=keyring, kind="name", value=details.name)}
        narrowed = [s for s in found if s.id in named]
        found = narrowed or found
    return (found[0] if len(found) == 1 else None), len(found)


def _new_request(intake: Intake, register: Register, received_at: datetime, status: Status) -> SubjectRequest:
    return SubjectRequest(
        ref=secrets.token_hex(16),
        status=status.value,
        kinds=[k.value for k in parse_kinds(intake.kinds)],
        channel=intake.channel.value,
        lang="en" if intake.lang == "en" else "nl",
        received_at=received_at,
        received_on=clock.received_on(received_at),
        answer_term=register.rights.answer_term,
        extension_months=0,
        paused_seconds=0,
        matches=0,
        outcome={},
        source_fingerprint=intake.fingerprint,
    )


def _link(
    session: Session, keyring: Keyring, request: SubjectRequest, intake: Intake, details: Details
) -> None:
    subject: Subject | None
    if intake.subject_ref:
        subject, count = get_subject(session, ref=intake.subject_ref), 1
    else:
        subject, count = match_subject(session, keyring=keyring, details=details)
    request.subject_id = subject.id if subject else None
    request.matches = count


def open_request(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    intake: Intake,
    actor: str,
    base_url: str,
    received_at: datetime | None = None,
    draft: bool = False,
) -> SubjectRequest:
    """Open a request (or a draft for staff to confirm) and acknowledge it; returns the request."""
    details = _clean(intake)
    request = _new_request(
        intake, register, received_at or utcnow(), Status.DRAFT if draft else Status.RECEIVED
    )
    seal_details(keyring, request, details)
    request.email_index = keyring.blind_index("email", details.email) if details.email else None
    session.add(request)
    session.flush()
    _link(session, keyring, request, intake, details)
    add_step(
        session,
        request=request,
        step="draft" if draft else "received",
        action=audit.Action.REQUEST_RECEIVED,
        actor=actor,
        details={"channel": request.channel, "kinds": request.kinds, "matches": request.matches},
    )
    if not draft:
        acknowledge(
            session, register=register, request=request, details=details, actor=actor, base_url=base_url
        )
    return request


def acknowledge(
    session: Session,
    *,
    register: Register,
    request: SubjectRequest,
    details: Details,
    actor: str,
    base_url: str,
) -> None:
    """Queue the acknowledgement to the address the requester gave (it reveals nothing)."""
    if details.email is None:
        return
    c = clock.clocks(
        request.received_on,
        answer_term=request.answer_term,
        extension_months=0,
        today=request.received_on,
        running=True,
    )
    send_letter(
        session,
        name="acknowledgement",
        to=details.email,
        register=register,
        request=request,
        actor=actor,
        promised=c.promised,
        legal=c.legal,
        status_url=status_url(base_url, request),
    )


def confirm_draft(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    request: SubjectRequest,
    actor: str,
    base_url: str,
    kinds: list[str] | None = None,
) -> SubjectRequest:
    """Staff confirm a request recognised in e-mail (optionally correcting its kinds)."""
    from privacydesk.subject_requests.records import open_details

    move_to(request, Status.RECEIVED)
    if kinds:
        request.kinds = [k.value for k in parse_kinds(kinds)]
    add_step(
        session,
        request=request,
        step="confirmed",
        action=audit.Action.REQUEST_CONFIRMED,
        actor=actor,
        details={"kinds": request.kinds},
    )
    acknowledge(
        session,
        register=register,
        request=request,
        details=open_details(keyring, request),
        actor=actor,
        base_url=base_url,
    )
    return request


def status_url(base_url: str, request: SubjectRequest) -> str:
    return f"{base_url.rstrip('/')}/privacy/request/{request.ref}"
