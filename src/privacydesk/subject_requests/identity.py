"""The proportional identity check (the AP fined a company €525,000 for demanding ID copies).

First choice: a one-time code sent to an e-mail address the store already holds for the subject.
The code is 8 digits, kept only as a keyed hash, works once, for 30 minutes, and allows 5 tries;
after that a new code is needed. Staff may confirm identity themselves with a note. Only where no
code can be sent may staff ask for an ID copy: it is checked for readable photo/MRZ/number/BSN,
stored sealed, shown to staff only, and deleted as soon as the check is decided.

Every failure looks the same from outside: wrong, expired, reused, exhausted, or no such person.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, decrypt, encrypt, open_json
from privacydesk.store.models.requests import IdentityChallenge, IdentityDocument, RequestStep, SubjectRequest
from privacydesk.store.models.subjects import Identifier, Subject
from privacydesk.subject_requests.domain import Status
from privacydesk.subject_requests.letters import send_letter
from privacydesk.subject_requests.records import add_step, move_to, open_details
from privacydesk.subjects import subject_key

CODE_DIGITS = 8
CODE_MINUTES = 30
MAX_ATTEMPTS = 5
NEUTRAL_FAILURE = "the code is not valid or has expired; ask for a new code"


def code_hash(keyring: Keyring, request: SubjectRequest, code: str) -> str:
    digits = "".join(ch for ch in code if ch.isdigit())
    return keyring.keyed_hash("identity-code", f"{request.ref}:{digits}")


def stored_emails(session: Session, *, keyring: Keyring, subject: Subject) -> list[str]:
    """The e-mail addresses the store holds for `subject` (decrypted, in the order added)."""
    dek = subject_key(session, keyring=keyring, subject=subject)
    blobs = session.execute(
        select(Identifier.value_enc)
        .where(
            Identifier.subject_id == subject.id, Identifier.kind == "email", Identifier.value_enc.is_not(None)
        )
        .order_by(Identifier.id)
    ).scalars()
    return [str(open_json(dek, b, f"id:{subject.ref}:email".encode())) for b in blobs if b is not None]


def known_address(session: Session, *, keyring: Keyring, request: SubjectRequest) -> str | None:
    """Where a code may go: the address given, if the subject holds it; else the subject's first."""
    subject = session.get(Subject, request.subject_id) if request.subject_id else None
    if subject is None or subject.erased_at is not None:
        return None
    held = stored_emails(session, keyring=keyring, subject=subject)
    given = open_details(keyring, request).email
    return given if given in held else (held[0] if held else None)


def _pause(session: Session, request: SubjectRequest, actor: str, now: datetime) -> None:
    if request.paused_since is None:
        request.paused_since = now
        add_step(
            session,
            request=request,
            step="paused",
            action=audit.Action.REQUEST_PAUSED,
            actor=actor,
            details={"waiting_for": "identity"},
        )


def _resume(session: Session, request: SubjectRequest, actor: str, now: datetime) -> None:
    if request.paused_since is not None:
        paused = int((now - request.paused_since).total_seconds())
        request.paused_seconds += max(paused, 0)
        request.paused_since = None
        add_step(
            session,
            request=request,
            step="resumed",
            action=audit.Action.REQUEST_RESUMED,
            actor=actor,
            details={"paused_seconds": max(paused, 0)},
        )


def _end_open_challenges(session: Session, request: SubjectRequest, how: str, now: datetime) -> None:
    for challenge in session.execute(
        select(IdentityChallenge).where(
            IdentityChallenge.request_id == request.id, IdentityChallenge.ended_at.is_(None)
        )
    ).scalars():
        challenge.ended_at, challenge.ended_how = now, how


def start_identity_check(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    request: SubjectRequest,
    actor: str,
    base_url: str,
    now: datetime | None = None,
) -> bool:
    """Wait for the requester's identity; send a fresh code where an address is known. True if sent."""
    now = now or utcnow()
    if request.status == Status.RECEIVED:
        move_to(request, Status.AWAITING_IDENTITY)
    elif request.status != Status.AWAITING_IDENTITY:
        raise Refused(f"a request that is {request.status} does not need an identity check")
    _pause(session, request, actor, now)
    address = known_address(session, keyring=keyring, request=request)
    if address is None:
        return False
    _end_open_challenges(session, request, "replaced", now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    challenge = IdentityChallenge(
        request_id=request.id,
        channel="email",
        code_hash=code_hash(keyring, request, code),
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        attempts=0,
    )
    session.add(challenge)
    session.flush()
    verify_url = f"{base_url.rstrip('/')}/privacy/request/{request.ref}/verify"
    send_letter(
        session,
        name="identity_code",
        to=address,
        register=register,
        request=request,
        actor=actor,
        key_suffix=f":{challenge.id}",
        code=f"{code[:4]} {code[4:]}",
        minutes=CODE_MINUTES,
        verify_url=verify_url,
    )
    add_step(
        session,
        request=request,
        step="code_sent",
        action=audit.Action.IDENTITY_CODE_SENT,
        actor=actor,
        details={"channel": "email"},
    )
    return True


def _open_challenge(session: Session, request: SubjectRequest) -> IdentityChallenge | None:
    return session.execute(
        select(IdentityChallenge)
        .where(IdentityChallenge.request_id == request.id, IdentityChallenge.ended_at.is_(None))
        .order_by(IdentityChallenge.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _failed(session: Session, request: SubjectRequest, actor: str, why: str) -> bool:
    # The step and the audit say why; the requester only ever hears NEUTRAL_FAILURE.
    add_step(
        session,
        request=request,
        step="code_failed",
        action=audit.Action.IDENTITY_CODE_FAILED,
        actor=actor,
        details={"why": why},
    )
    return False


def _check(
    session: Session, keyring: Keyring, request: SubjectRequest, code: str, now: datetime
) -> str | None:
    """None when `code` is right, else why not (wrong/expired/none/…)."""
    challenge = _open_challenge(session, request)
    if request.status != Status.AWAITING_IDENTITY or challenge is None:
        return "no_open_code"
    if challenge.expires_at <= now:
        challenge.ended_at, challenge.ended_how = now, "expired"
        return "expired"
    if not hmac.compare_digest(challenge.code_hash, code_hash(keyring, request, code)):
        challenge.attempts += 1
        if challenge.attempts >= MAX_ATTEMPTS:
            challenge.ended_at, challenge.ended_how = now, "exhausted"
        return "wrong"
    challenge.ended_at, challenge.ended_how = now, "used"
    return None


def verify_code(
    session: Session,
    *,
    keyring: Keyring,
    request: SubjectRequest,
    code: str,
    actor: str,
    now: datetime | None = None,
) -> bool:
    """Check a code the requester entered; True verifies the request. Failures are recorded, not raised,
    so that the caller can commit the attempt count before answering NEUTRAL_FAILURE."""
    now = now or utcnow()
    why = _check(session, keyring, request, code, now)
    if why is not None:
        return _failed(session, request, actor, why)
    _verified(session, request, actor, now, method="code")
    return True


def _verified(
    session: Session,
    request: SubjectRequest,
    actor: str,
    now: datetime,
    *,
    method: str,
    keyring: Keyring | None = None,
    note: str | None = None,
) -> None:
    move_to(request, Status.VERIFIED)
    _end_open_challenges(session, request, "staff" if method != "code" else "used", now)
    _resume(session, request, actor, now)
    add_step(
        session,
        request=request,
        step="verified",
        action=audit.Action.IDENTITY_VERIFIED,
        actor=actor,
        keyring=keyring,
        note=note,
        details={"method": method},
    )


def confirm_identity(
    session: Session,
    *,
    keyring: Keyring,
    request: SubjectRequest,
    note: str,
    actor: str,
    now: datetime | None = None,
) -> SubjectRequest:
    """Staff confirm the requester's identity themselves (e.g. they called the stored number)."""
    if not note.strip():
        raise Refused("say how you confirmed the identity", hint='--note "called the number we hold"')
    _verified(session, request, actor, now or utcnow(), method="staff", keyring=keyring, note=note.strip())
    return request


def ask_for_id_copy(
    session: Session, *, keyring: Keyring, request: SubjectRequest, reason: str, actor: str
) -> SubjectRequest:
    """Staff ask for an ID copy: allowed only when no code can be sent to a known address."""
    if known_address(session, keyring=keyring, request=request) is not None:
        raise Refused(
            "a code can be sent to an address we hold; an ID copy would be disproportionate",
            hint="use the code (requests verify ID --code) or confirm with --note",
        )
    if request.status not in (Status.RECEIVED, Status.AWAITING_IDENTITY):
        raise Refused(f"a request that is {request.status} does not need an identity check")
    if request.status == Status.RECEIVED:
        move_to(request, Status.AWAITING_IDENTITY)
    if not reason.strip():
        raise Refused("say why an ID copy is needed", hint='--reason "no e-mail address on file"')
    add_step(
        session,
        request=request,
        step="id_copy_requested",
        action=audit.Action.REQUEST_PAUSED,
        actor=actor,
        keyring=keyring,
        note=reason.strip(),
        details={"waiting_for": "id_copy"},
    )
    return request


def id_copy_requested(session: Session, request: SubjectRequest) -> bool:
    return (
        session.execute(
            select(RequestStep.id).where(
                RequestStep.request_id == request.id, RequestStep.step == "id_copy_requested"
            )
        ).first()
        is not None
    )


def store_id_document(
    session: Session,
    *,
    keyring: Keyring,
    request: SubjectRequest,
    data: bytes,
    content_type: str,
    check: dict[str, Any],
    actor: str,
) -> IdentityDocument:
    """Keep an accepted ID copy sealed under the request's key until staff decide."""
    key = keyring.unwrap(request.wrapped_key, f"request:{request.ref}")
    doc = IdentityDocument(
        request_id=request.id,
        content_enc=encrypt(key, data, f"id-doc:{request.ref}".encode()),
        content_type=content_type[:100],
        size=len(data),
        check=check,
    )
    session.add(doc)
    session.flush()
    add_step(
        session,
        request=request,
        step="id_copy_received",
        action=audit.Action.IDENTITY_DOCUMENT_RECEIVED,
        actor=actor,
        details={"size": len(data)},
    )
    return doc


def read_id_document(keyring: Keyring, request: SubjectRequest, doc: IdentityDocument) -> bytes:
    key = keyring.unwrap(request.wrapped_key, f"request:{request.ref}")
    return decrypt(key, doc.content_enc, f"id-doc:{request.ref}".encode())


def id_documents(session: Session, request: SubjectRequest) -> list[IdentityDocument]:
    return list(
        session.execute(
            select(IdentityDocument)
            .where(IdentityDocument.request_id == request.id)
            .order_by(IdentityDocument.id)
        ).scalars()
    )


def decide_id_document(
    session: Session, *, keyring: Keyring, request: SubjectRequest, accept: bool, note: str, actor: str
) -> SubjectRequest:
    """Staff decide on the ID copy; it is deleted at once either way (the deletion is audited)."""
    docs = id_documents(session, request)
    if not docs:
        raise Refused("there is no ID copy to decide on")
    for doc in docs:
        session.delete(doc)
    session.flush()
    add_step(
        session,
        request=request,
        step="id_copy_deleted",
        action=audit.Action.IDENTITY_DOCUMENT_DELETED,
        actor=actor,
        details={"documents": len(docs), "accepted": accept},
    )
    if accept:
        return confirm_identity(
            session, keyring=keyring, request=request, note=note or "ID copy checked", actor=actor
        )
    add_step(
        session,
        request=request,
        step="id_copy_rejected",
        action=audit.Action.IDENTITY_DOCUMENT_REFUSED,
        actor=actor,
        keyring=keyring,
        note=note,
    )
    return request


ID_COPY_MAX_AGE = timedelta(days=7)


def purge_stale_id_documents(session: Session, *, now: datetime, actor: str) -> int:
    """Delete every ID copy kept longer than 7 days without a decision (the latest the statement
    allows); each deletion is a step of its request and an audit entry. Returns how many went."""
    cutoff = now - ID_COPY_MAX_AGE
    stale = list(
        session.execute(select(IdentityDocument).where(IdentityDocument.uploaded_at < cutoff)).scalars()
    )
    by_request: dict[int, int] = {}
    for doc in stale:
        by_request[doc.request_id] = by_request.get(doc.request_id, 0) + 1
        session.delete(doc)
    session.flush()
    for request_id, count in by_request.items():
        request = session.get(SubjectRequest, request_id)
        if request is not None:
            add_step(
                session,
                request=request,
                step="id_copy_deleted",
                action=audit.Action.IDENTITY_DOCUMENT_DELETED,
                actor=actor,
                details={"documents": count, "reason": "kept 7 days without a decision"},
            )
    return len(stale)
