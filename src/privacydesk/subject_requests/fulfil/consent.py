"""Consent withdrawal (art. 7(3)): applied at once, in one step, as giving it took one step."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from privacydesk.errors import UnusableInput
from privacydesk.register.model import LegalBasis, Register
from privacydesk.store.crypto import Keyring
from privacydesk.subject_requests.fulfil.load import get_live_subject
from privacydesk.subject_requests.fulfil.marketing import (
    expire_records,
    suppress_addresses,
    withdraw_consents,
)
from privacydesk.subject_requests.fulfil.result import Result, Summary


def fulfil_consent_withdrawal(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int,
    purposes: list[str] | None = None,
    today: date,
    actor: str,
) -> Result:
    """Withdraw consent for `purposes` (None: every consent-based purpose); data held only on that
    consent expires today, and marketing addresses go on the suppression list."""
    subject = get_live_subject(session, subject_id)
    consent_based = {p.key for p in register.purposes if p.legal_basis == LegalBasis.CONSENT}
    chosen = consent_based if purposes is None else set(purposes)
    if chosen - consent_based:
        raise UnusableInput(
            f"purpose '{sorted(chosen - consent_based)[0]}' does not rest on consent",
            hint="withdraw one of " + ", ".join(sorted(consent_based)) + ", or treat it as an objection",
        )
    withdrawn = withdraw_consents(session, subject_id=subject.id, purposes=chosen, actor=actor)
    expire_records(session, subject_id=subject.id, purposes=chosen, today=today)
    summary = Summary(
        request_type="consent_withdrawal", subject_ref=subject.ref, purposes_stopped=sorted(withdrawn)
    )
    if any((p := register.purpose(k)) is not None and p.direct_marketing for k in chosen):
        summary.suppressed = suppress_addresses(
            session, keyring=keyring, subject=subject, reason="unsubscribed", actor=actor
        )
    return Result(files=[], summary=summary)
