"""Which of a subject's records an erasure must keep, and why: pure rules over the register.

A record is kept only when a legal retention duty covers it: its purpose's retention rule names a
legal ground, and a purpose based on a legal obligation under that same rule needs its category
(for Ocqto: the bookkeeping under AWR art. 52 — invoices, with the name, address and account on
them). The file of privacy requests is not such a duty here: the workflow keeps that file under
the person's pseudonymous reference, without their contact details. Records under a hold are kept
until the hold is lifted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from privacydesk.register.model import LegalBasis, Register, RetentionRule, RetentionTrigger
from privacydesk.register.retention import expiry_date, rule_for
from privacydesk.store.models.subjects import Record


@dataclass(frozen=True)
class Keep:
    """A record an erasure keeps (restricted to its duty), with the duty and its end."""

    record: Record
    reason: str
    until: date | None


def duty_rule(register: Register, *, purpose: str, category: str) -> RetentionRule | None:
    """The legal retention duty that covers `category` held for `purpose`, if any."""
    rule = rule_for(register, purpose)
    if rule is None or not rule.legal_ground or rule.starts == RetentionTrigger.REQUEST_CLOSED:
        return None
    needed = any(
        p.legal_basis == LegalBasis.LEGAL_OBLIGATION and p.retention == rule.key and category in p.categories
        for p in register.purposes
    )
    return rule if needed else None


def duty_purposes(register: Register) -> set[str]:
    """The purposes through which a legal retention duty is carried out (the only use left)."""
    out = set()
    for p in register.purposes:
        rule = rule_for(register, p.key)
        if p.legal_basis == LegalBasis.LEGAL_OBLIGATION and rule and rule.legal_ground:
            if rule.starts != RetentionTrigger.REQUEST_CLOSED:
                out.add(p.key)
    return out


def _keep(register: Register, record: Record, today: date) -> Keep | None:
    rule = duty_rule(register, purpose=record.purpose, category=record.category)
    if rule is None:
        return None
    until = record.expires_on or expiry_date(rule, event_on=record.event_on or record.created_at.date())
    if until is None or until <= today:
        return None
    return Keep(record, f"{rule.key}: {rule.legal_ground}", until)


def plan_erasure(
    register: Register, records: list[Record], *, held: dict[int, str], today: date
) -> tuple[list[Keep], list[Record]]:
    """Split `records` into those kept (with reason and end) and those to delete now."""
    keep: list[Keep] = []
    erase: list[Record] = []
    for record in records:
        if record.id in held:
            keep.append(Keep(record, held[record.id], None))
        elif (kept := _keep(register, record, today)) is not None:
            keep.append(kept)
        else:
            erase.append(record)
    return keep, erase
