"""Findings: data the register does not allow, found by the scanner, kept as flags to resolve.

Above all a BSN in correspondence: the business has no ground to keep one (UAVG art. 46), so it is
flagged whatever the register says. A finding holds the kind, the place and the subject's
pseudonymous ref — never the value; a keyed fingerprint makes a second scan of the same place raise
nothing new.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import InvalidTransition, NotFound
from privacydesk.register.model import Register
from privacydesk.scan.detectors import Kind
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.findings import Finding


class Status(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # the data was removed or handled
    DISMISSED = "dismissed"  # not personal data after all (a false positive)


ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.RESOLVED, Status.DISMISSED}),
    Status.RESOLVED: frozenset(),
    Status.DISMISSED: frozenset(),
}

# The register category each kind of detected data belongs to.
CATEGORY_OF: dict[Kind, str] = {
    Kind.EMAIL: "email",
    Kind.PHONE: "phone",
    Kind.IBAN: "bank_account",
    Kind.BSN: "bsn",
    Kind.POSTCODE: "address",
    Kind.DATE_OF_BIRTH: "date_of_birth",
    Kind.NAME: "name",
}


def flag_reason(kind: Kind, register: Register | None) -> str | None:
    """Why finding `kind` must be flagged ('forbidden', 'not_in_register'), or None when it may be kept."""
    if kind == Kind.BSN:
        return "forbidden"  # UAVG art. 46: no ground to keep a BSN, whatever the register says
    if register is None:
        return None
    category = register.category(CATEGORY_OF[kind])
    if category is None:
        return "not_in_register"
    return "forbidden" if category.forbidden else None


def raise_finding(
    session: Session,
    *,
    keyring: Keyring,
    kind: Kind,
    reason: str,
    source: str,
    location: str,
    value: str,
    subject_ref: str | None = None,
    message_id: int | None = None,
    actor: str,
) -> tuple[Finding, bool]:
    """Record a finding (or return the one already raised for the same value in the same place)."""
    fingerprint = keyring.keyed_hash("finding", f"{source}\x00{location}\x00{kind}\x00{value}")
    existing = session.execute(select(Finding).where(Finding.fingerprint == fingerprint)).scalar_one_or_none()
    if existing is not None:
        return existing, False
    finding = Finding(
        fingerprint=fingerprint,
        kind=str(kind),
        reason=reason,
        source=source[-500:],
        location=location[:100],
        subject_ref=subject_ref,
        message_id=message_id,
        raised_by=actor,
    )
    session.add(finding)
    session.flush()
    audit.record(
        session,
        action=audit.Action.FINDING_RAISED,
        actor=actor,
        target_type="finding",
        target_id=finding.id,
        details={"kind": str(kind), "reason": reason, "subject": subject_ref, "message": message_id},
    )
    return finding, True


def list_findings(session: Session, *, status: Status | None = Status.OPEN) -> list[Finding]:
    """Findings, oldest first; all of them when `status` is None."""
    query = select(Finding).order_by(Finding.id)
    if status is not None:
        query = query.where(Finding.status == status)
    return list(session.execute(query).scalars())


def resolve_finding(
    session: Session, *, finding_id: int, status: Status = Status.RESOLVED, note: str, actor: str
) -> Finding:
    """Close an open finding as resolved (the data is gone) or dismissed (a false positive)."""
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise NotFound(f"no finding {finding_id}", hint="list them with `privacydesk scan --findings`")
    if status not in ALLOWED_TRANSITIONS[Status(finding.status)]:
        raise InvalidTransition(f"finding {finding_id} is {finding.status}; it cannot become {status}")
    finding.status, finding.resolution = status, note[:500]
    finding.resolved_at, finding.resolved_by = utcnow(), actor
    session.flush()
    audit.record(
        session,
        action=audit.Action.FINDING_RESOLVED,
        actor=actor,
        target_type="finding",
        target_id=finding.id,
        details={"status": str(status)},
        reason=note[:500],
    )
    return finding
