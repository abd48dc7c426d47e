"""Stopping marketing at once: the person's addresses on the suppression list, consents withdrawn,
and records held for those purposes set to expire today (the register's rule then removes them)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from privacydesk.consent import ledger
from privacydesk.consent.suppression import suppress
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.subjects import Record, Subject
from privacydesk.subject_requests.fulfil.load import identifier_pairs
from privacydesk.subjects import subject_key


def suppress_addresses(
    session: Session, *, keyring: Keyring, subject: Subject, reason: str, actor: str
) -> bool:
    """Put every e-mail address of `subject` on the suppression list; False when they have none."""
    dek = subject_key(session, keyring=keyring, subject=subject)
    emails = [v for k, v in identifier_pairs(session, dek=dek, subject=subject) if k == "email"]
    for email in emails:
        suppress(session, email=email, reason=reason, actor=actor)
    return bool(emails)


def withdraw_consents(session: Session, *, subject_id: int, purposes: set[str], actor: str) -> list[str]:
    """Withdraw the person's given consents for `purposes`; returns the purposes withdrawn."""
    withdrawn = []
    for status in ledger.current_consents(session, subject_id=subject_id):
        if status.purpose not in purposes or status.state is not ledger.ConsentState.GIVEN:
            continue
        notice = ledger.notice_for(session, text=f"withdraw:{status.purpose}", language="nl")
        ledger.record_consent(
            session,
            subject_id=subject_id,
            purpose=status.purpose,
            state=ledger.ConsentState.WITHDRAWN,
            channel=ledger.Channel.STAFF,
            notice=notice,
            ground=status.ground,
            evidence={"withdrew": status.record_id},
            actor=actor,
        )
        withdrawn.append(status.purpose)
    return withdrawn


def expire_records(session: Session, *, subject_id: int, purposes: set[str], today: date) -> int:
    """Records held only for `purposes` end today: the retention run deletes them."""
    result = session.execute(
        update(Record)
        .where(Record.subject_id == subject_id, Record.purpose.in_(purposes), Record.restricted.is_(False))
        .values(expires_on=today)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]
