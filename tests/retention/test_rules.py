"""The pure retention rules: which date starts a clock, when a record is due, whether a hold binds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from privacydesk.register.load import load_register
from privacydesk.register.model import RetentionRule, RetentionTrigger
from privacydesk.retention.rules import (
    ClockDates,
    changed_purposes,
    expires_on,
    hold_is_active,
    is_due,
    month_buckets,
    rules_by_purpose,
)

OCQTO = Path(__file__).resolve().parents[2] / "examples" / "ocqto" / "register.yaml"


def rule(duration: str, starts: RetentionTrigger) -> RetentionRule:
    return RetentionRule(key="r", duration=duration, starts=starts)


T = RetentionTrigger


@pytest.mark.parametrize(
    ("the_rule", "dates", "expected"),
    [
        # bookkeeping: 7 years after the end of the fiscal year of the invoice (AWR art. 52)
        (rule("P7Y", T.END_OF_FISCAL_YEAR), ClockDates(event_on=date(2019, 3, 4)), date(2026, 12, 31)),
        (rule("P7Y", T.END_OF_FISCAL_YEAR), ClockDates(event_on=date(2019, 12, 31)), date(2026, 12, 31)),
        (rule("P2Y", T.LAST_CONTACT), ClockDates(last_contact_on=date(2024, 2, 29)), date(2026, 2, 28)),
        # a newer message than the subject's last-contact date keeps the correspondence longer
        (
            rule("P2Y", T.LAST_CONTACT),
            ClockDates(event_on=date(2025, 1, 1), last_contact_on=date(2024, 1, 1)),
            date(2027, 1, 1),
        ),
        (rule("P2Y", T.END_OF_RELATIONSHIP), ClockDates(event_on=date(2020, 1, 1)), None),
        (
            rule("P2Y", T.END_OF_RELATIONSHIP),
            ClockDates(relationship_ended_on=date(2025, 5, 1)),
            date(2027, 5, 1),
        ),
        (rule("P0D", T.CONSENT_WITHDRAWN), ClockDates(event_on=date(2020, 1, 1)), None),
        (
            rule("P0D", T.CONSENT_WITHDRAWN),
            ClockDates(consent_withdrawn_on=date(2026, 3, 3)),
            date(2026, 3, 3),
        ),
        (
            rule("P0D", T.IDENTITY_VERIFIED),
            ClockDates(identity_verified_on=date(2026, 3, 3)),
            date(2026, 3, 3),
        ),
        (rule("P2Y", T.REQUEST_CLOSED), ClockDates(request_closed_on=date(2026, 3, 3)), date(2028, 3, 3)),
        (rule("P30D", T.COLLECTED), ClockDates(collected_on=date(2026, 1, 1)), date(2026, 1, 31)),
    ],
)
def test_each_trigger_starts_the_clock_on_its_own_event(
    the_rule: RetentionRule, dates: ClockDates, expected: date | None
) -> None:
    assert expires_on(the_rule, dates) == expected


@pytest.mark.parametrize(
    ("expiry", "today", "due"),
    [
        (None, date(2030, 1, 1), False),
        (date(2026, 1, 1), date(2025, 12, 31), False),
        (date(2026, 1, 1), date(2026, 1, 1), True),
        (date(2026, 1, 1), date(2027, 1, 1), True),
    ],
)
def test_a_record_is_due_from_its_expiry_day_on(expiry: date | None, today: date, due: bool) -> None:
    assert is_due(expiry, today) is due


@pytest.mark.parametrize(
    ("lifted", "ends_on", "today", "active"),
    [
        (False, None, date(2030, 1, 1), True),
        (True, None, date(2020, 1, 1), False),
        (False, date(2026, 1, 1), date(2026, 1, 1), True),
        (False, date(2026, 1, 1), date(2026, 1, 2), False),
    ],
)
def test_a_hold_binds_until_lifted_or_past_its_end_date(
    lifted: bool, ends_on: date | None, today: date, active: bool
) -> None:
    assert hold_is_active(lifted=lifted, ends_on=ends_on, today=today) is active


def test_month_buckets_cover_24_months_from_this_month() -> None:
    buckets = month_buckets(
        [(date(2026, 11, 30), 2), (date(2026, 11, 1), 1), (date(2028, 10, 31), 5), (date(2028, 11, 1), 9)],
        today=date(2026, 11, 25),
    )
    assert len(buckets) == 24
    assert buckets[0] == (date(2026, 11, 1), 3)
    assert buckets[-1] == (date(2028, 10, 1), 5)


def test_a_changed_duration_marks_only_that_rules_purposes_as_changed() -> None:
    old = load_register(OCQTO).register
    fiscal = old.retention_rule("fiscal")
    assert fiscal is not None
    rules = [
        r if r.key != "fiscal" else fiscal.model_copy(update={"duration": "P5Y"}) for r in old.retention_rules
    ]
    new = old.model_copy(update={"retention_rules": rules})
    assert changed_purposes(old, new) == {"payment", "tax"}
    assert changed_purposes(old, old) == set()
    assert rules_by_purpose(old)["newsletter"].key == "until_withdrawal"
