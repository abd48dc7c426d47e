"""Restriction (art. 18), objection (art. 21) and the check every purpose makes first: `may_use`.

A restriction of the whole subject leaves only storage and the legal retention duty; a restriction
or objection of single purposes blocks those purposes. An objection to direct marketing is
absolute and immediate (art. 21(3)): marketing stops, the addresses go on the suppression list.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.consent import ledger
from privacydesk.errors import Refused, UnusableInput
from privacydesk.register.model import LegalBasis, Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.fulfilment import PurposeBlock
from privacydesk.store.models.subjects import Subject
from privacydesk.subject_requests.fulfil.load import get_live_subject
from privacydesk.subject_requests.fulfil.marketing import (
    expire_records,
    suppress_addresses,
    withdraw_consents,
)
from privacydesk.subject_requests.fulfil.plan import duty_purposes
from privacydesk.subject_requests.fulfil.result import Result, Summary

OBJECTABLE = (LegalBasis.LEGITIMATE_INTERESTS, LegalBasis.PUBLIC_TASK)


def _known(register: Register, purposes: list[str]) -> None:
    unknown = [p for p in purposes if register.purpose(p) is None]
    if unknown:
        raise UnusableInput(
            f"purpose '{unknown[0]}' is not in the register",
            hint="use one of " + ", ".join(p.key for p in register.purposes),
        )


def _block(session: Session, subject: Subject, purposes: list[str], *, reason: str, actor: str) -> None:
    have = set(
        session.execute(select(PurposeBlock.purpose).where(PurposeBlock.subject_id == subject.id)).scalars()
    )
    for purpose in sorted(set(purposes) - have):
        session.add(PurposeBlock(subject_id=subject.id, purpose=purpose, reason=reason, created_by=actor))
    session.flush()
    audit.record(
        session,
        action=audit.Action.RECORD_RESTRICTED,
        actor=actor,
        target_type="subject",
        target_id=subject.ref,
        reason=reason,
        details={"purposes": sorted(purposes)},
    )


def fulfil_restriction(
    session: Session, *, register: Register, subject_id: int, purposes: list[str] | None = None, actor: str
) -> Result:
    """Restrict all use of the subject's data (purposes None) or the use for `purposes` (art. 18)."""
    subject = get_live_subject(session, subject_id)
    summary = Summary(request_type="restriction", subject_ref=subject.ref)
    if purposes is None:
        subject.restricted = True
        kept = duty_purposes(register)
        summary.purposes_stopped = sorted(p.key for p in register.purposes if p.key not in kept)
        audit.record(
            session,
            action=audit.Action.RECORD_RESTRICTED,
            actor=actor,
            target_type="subject",
            target_id=subject.ref,
            reason="restriction",
            details={"purposes": "all"},
        )
    else:
        _known(register, purposes)
        _block(session, subject, purposes, reason="restriction", actor=actor)
        summary.purposes_stopped = sorted(purposes)
    return Result(files=[], summary=summary)


def _objectable(register: Register, purposes: list[str]) -> None:
    for key in purposes:
        p = register.purpose(key)
        if p is not None and not p.direct_marketing and p.legal_basis not in OBJECTABLE:
            raise Refused(
                f"purpose '{key}' rests on {p.legal_basis}, to which art. 21 gives no right to object",
                hint="answer with the reason, or treat it as a request for restriction or erasure",
            )


def fulfil_objection(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int,
    purposes: list[str] | None = None,
    today: date,
    actor: str,
) -> Result:
    """Stop the purposes objected to (None: every direct-marketing purpose) at once (art. 21)."""
    subject = get_live_subject(session, subject_id)
    chosen = purposes if purposes is not None else [p.key for p in register.purposes if p.direct_marketing]
    _known(register, chosen)
    _objectable(register, chosen)
    summary = Summary(request_type="objection", subject_ref=subject.ref, purposes_stopped=sorted(chosen))
    marketing = {k for k in chosen if (p := register.purpose(k)) is not None and p.direct_marketing}
    if marketing:
        subject.objected_marketing = True
        summary.suppressed = suppress_addresses(
            session, keyring=keyring, subject=subject, reason="objection", actor=actor
        )
        withdraw_consents(session, subject_id=subject.id, purposes=marketing, actor=actor)
        expire_records(session, subject_id=subject.id, purposes=marketing, today=today)
    _block(session, subject, chosen, reason="objection", actor=actor)
    return Result(files=[], summary=summary)


def may_use(session: Session, *, subject_id: int, purpose: str) -> bool:
    """Whether the subject's data may be used for `purpose` now: every purpose asks this first."""
    subject = session.get(Subject, subject_id)
    register = current_register(session)[1]
    spec = register.purpose(purpose)
    if subject is None or spec is None:
        return False
    if subject.erased_at is not None or subject.restricted:
        return purpose in duty_purposes(register)
    if spec.direct_marketing and subject.objected_marketing:
        return False
    blocked = session.execute(
        select(PurposeBlock.id)
        .where(PurposeBlock.subject_id == subject_id, PurposeBlock.purpose == purpose)
        .limit(1)
    ).first()
    if blocked is not None:
        return False
    if spec.legal_basis == LegalBasis.CONSENT:
        return any(
            s.purpose == purpose and s.is_valid
            for s in ledger.current_consents(session, subject_id=subject_id)
        )
    return True
