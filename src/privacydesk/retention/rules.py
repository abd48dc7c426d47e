"""Retention rules as pure functions: when a clock starts, when a record is due, whether a hold holds.

Time is always an argument. The arithmetic of one rule (duration after the clock start, the end of
the fiscal year for bookkeeping) is `register.retention.expiry_date`; this module decides which
date starts the clock for each trigger, from the dates the store keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from privacydesk.register.model import Register, RetentionRule, RetentionTrigger
from privacydesk.register.retention import expiry_date


@dataclass(frozen=True)
class ClockDates:
    """The dates that may start a record's clock; None where the event has not happened (yet)."""

    event_on: date | None = None  # the record's own event: invoice date, message date, …
    collected_on: date | None = None
    last_contact_on: date | None = None
    relationship_ended_on: date | None = None
    consent_withdrawn_on: date | None = None
    request_closed_on: date | None = None
    identity_verified_on: date | None = None


def clock_start(trigger: RetentionTrigger, dates: ClockDates) -> date | None:
    """The event date that starts a clock of this trigger (before fiscal-year rounding)."""
    T = RetentionTrigger
    table: dict[RetentionTrigger, date | None] = {
        T.COLLECTED: dates.event_on or dates.collected_on,
        T.END_OF_FISCAL_YEAR: dates.event_on,
        T.END_OF_RELATIONSHIP: dates.relationship_ended_on,
        # the newest contact counts: a later message keeps the whole correspondence
        T.LAST_CONTACT: max((d for d in (dates.last_contact_on, dates.event_on) if d), default=None),
        T.CONSENT_WITHDRAWN: dates.consent_withdrawn_on,
        T.REQUEST_CLOSED: dates.request_closed_on or dates.event_on,
        T.IDENTITY_VERIFIED: dates.identity_verified_on or dates.event_on,
    }
    return table[trigger]


def expires_on(rule: RetentionRule, dates: ClockDates) -> date | None:
    """The first day the record may no longer be kept; None while its clock has not started."""
    return expiry_date(rule, event_on=clock_start(rule.starts, dates))


def is_due(expiry: date | None, today: date) -> bool:
    return expiry is not None and expiry <= today


def hold_is_active(*, lifted: bool, ends_on: date | None, today: date) -> bool:
    """A hold binds until lifted, or until the day after its end date."""
    return not lifted and (ends_on is None or ends_on >= today)


def rules_by_purpose(register: Register) -> dict[str, RetentionRule]:
    """Each purpose's retention rule (purposes without one keep no clock)."""
    found = {p.key: register.retention_rule(p.retention) for p in register.purposes if p.retention}
    return {key: rule for key, rule in found.items() if rule is not None}


def changed_purposes(old: Register | None, new: Register) -> set[str]:
    """Purposes whose rule differs between two register versions (all of them without an old one)."""
    before = rules_by_purpose(old) if old else {}
    return {key for key, rule in rules_by_purpose(new).items() if before.get(key) != rule}


def month_buckets(
    expiries: Iterable[tuple[date, int]], *, today: date, months: int = 24
) -> list[tuple[date, int]]:
    """Counts per calendar month for the `months` months starting with today's month."""
    first = today.replace(day=1)
    counts: Counter[date] = Counter()
    for day, n in expiries:
        month = day.replace(day=1)
        if first <= month < first + relativedelta(months=months):
            counts[month] += n
    return [(first + relativedelta(months=i), counts[first + relativedelta(months=i)]) for i in range(months)]
