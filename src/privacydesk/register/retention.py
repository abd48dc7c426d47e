"""Retention arithmetic: when a value must go, from the register's rule and the event date. Pure."""

from __future__ import annotations

from datetime import date

from privacydesk.register.model import Register, RetentionRule, RetentionTrigger


def clock_start(rule: RetentionRule, event_on: date) -> date:
    """The day the clock starts: the end of the fiscal year for bookkeeping (AWR art. 52)."""
    if rule.starts == RetentionTrigger.END_OF_FISCAL_YEAR:
        return date(event_on.year, 12, 31)
    return event_on


def expiry_date(rule: RetentionRule, *, event_on: date | None) -> date | None:
    """The first day the value may no longer be kept; None while the clock has not started."""
    if event_on is None:
        return None
    return rule.period.after(clock_start(rule, event_on))


# Clocks that start when the value is stored, unless an earlier date is known (an invoice's date,
# the day of the call). The others start at an event that comes later: the relationship ends,
# consent is withdrawn, a request is closed, an identity is verified.
STARTS_ON_COLLECTION = (
    RetentionTrigger.COLLECTED,
    RetentionTrigger.LAST_CONTACT,
    RetentionTrigger.END_OF_FISCAL_YEAR,
)


def default_event_on(rule: RetentionRule, *, collected_on: date) -> date | None:
    """The clock's start for a value stored on `collected_on` with no event date of its own."""
    return collected_on if rule.starts in STARTS_ON_COLLECTION else None


def rule_for(register: Register, purpose: str) -> RetentionRule | None:
    p = register.purpose(purpose)
    return register.retention_rule(p.retention) if p and p.retention else None
