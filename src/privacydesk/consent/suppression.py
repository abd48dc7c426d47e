"""The marketing suppression list: addresses that must never get marketing again.

Only a keyed hash (HMAC under a key derived from the master key) is stored, so the list recognises
an address without holding it, and survives the erasure of the person it belonged to.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.consent.keys import settings_for, suppression_hash
from privacydesk.errors import UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise_email
from privacydesk.store.models.consent import SuppressionEntry

REASONS = frozenset({"unsubscribed", "objection", "erasure", "bounce", "complaint", "staff"})


def email_hash(session: Session, *, email: str) -> str:
    """The keyed hash under which `email` is (or would be) on the list."""
    try:
        normalised = normalise_email(email)
    except InvalidIdentifier:
        raise UnusableInput("email: not a valid e-mail address", hint="check the address") from None
    return suppression_hash(settings_for(session), normalised)


def suppress(session: Session, *, email: str, reason: str, actor: str) -> SuppressionEntry:
    """Put `email` on the list (idempotent: an address already there keeps its first entry)."""
    if reason not in REASONS:
        raise UnusableInput(
            f"suppression reason '{reason}' is not known", hint=f"use one of {', '.join(sorted(REASONS))}"
        )
    digest = email_hash(session, email=email)
    found = session.execute(
        select(SuppressionEntry).where(SuppressionEntry.email_hash == digest)
    ).scalar_one_or_none()
    if found is not None:
        return found
    entry = SuppressionEntry(email_hash=digest, reason=reason, actor=actor)
    session.add(entry)
    session.flush()
    audit.record(
        session,
        action=audit.Action.SUPPRESSION_ADDED,
        actor=actor,
        target_type="suppression",
        target_id=entry.id,
        details={"reason": reason},
    )
    return entry


def is_suppressed(session: Session, *, email: str) -> bool:
    digest = email_hash(session, email=email)
    return suppressed_hashes(session, digests=[digest]) == {digest}


def suppressed_hashes(session: Session, *, digests: list[str]) -> set[str]:
    """Which of `digests` are on the list (one query, for exports)."""
    if not digests:
        return set()
    rows = session.execute(
        select(SuppressionEntry.email_hash).where(SuppressionEntry.email_hash.in_(digests))
    ).scalars()
    return set(rows)


def lift_suppression(session: Session, *, email: str, actor: str) -> bool:
    """Take `email` off the list after a new, confirmed opt-in; True when it was on it."""
    digest = email_hash(session, email=email)
    removed = session.execute(delete(SuppressionEntry).where(SuppressionEntry.email_hash == digest))
    if not getattr(removed, "rowcount", 0):
        return False
    audit.record(
        session,
        action=audit.Action.CONSENT_RECORDED,
        actor=actor,
        target_type="suppression",
        details={"lifted": True, "reason": "confirmed_opt_in"},
    )
    return True
