"""The two clocks: the legal month per EU Regulation 1182/71, Dutch holidays, and the promise."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from privacydesk.subject_requests.clock import (
    Urgency,
    clocks,
    legal_deadline,
    may_extend,
    promised_deadline,
    queue_order,
    received_on,
)


@pytest.mark.parametrize(
    ("received", "deadline", "why"),
    [
        (date(2026, 3, 27), date(2026, 4, 28), "27 April 2026 is King's Day (a Monday)"),
        (date(2026, 3, 10), date(2026, 4, 10), "an ordinary Friday"),
        (date(2026, 1, 31), date(2026, 3, 2), "31 Feb does not exist → 28 Feb, a Saturday → Monday 2 March"),
        (date(2028, 1, 31), date(2028, 2, 29), "leap year: 31 Feb → 29 Feb 2028, a Tuesday"),
        (date(2027, 1, 29), date(2027, 3, 1), "29 Feb 2027 does not exist → 28 Feb, a Sunday → 1 March"),
        (date(2026, 3, 31), date(2026, 4, 30), "31 April does not exist → 30 April"),
        (date(2026, 11, 25), date(2026, 12, 28), "25 Dec Christmas, 26 Dec Boxing Day, 27 Dec Sunday"),
        (date(2026, 12, 1), date(2027, 1, 4), "1 Jan is New Year's Day, 2-3 Jan a weekend"),
        (date(2026, 4, 14), date(2026, 5, 15), "14 May 2026 is Ascension Day"),
        (date(2026, 3, 3), date(2026, 4, 7), "Good Friday 3 April, the Easter weekend and Easter Monday"),
        (date(2026, 4, 25), date(2026, 5, 26), "25 May 2026 is Whit Monday"),
        (date(2026, 3, 5), date(2026, 4, 7), "5 April 2026 is Easter Sunday, 6 April Easter Monday"),
        (date(2025, 4, 5), date(2025, 5, 6), "5 May 2025 is Liberation Day (a lustrum year)"),
    ],
)
def test_the_legal_deadline_is_one_month_later_rolled_to_a_working_day(
    received: date, deadline: date, why: str
) -> None:
    assert legal_deadline(received) == deadline, why


def test_received_on_27_march_2026_the_legal_deadline_is_tuesday_28_april() -> None:
    deadline = legal_deadline(date(2026, 3, 27))
    assert deadline == date(2026, 4, 28) and deadline.strftime("%A") == "Tuesday"


def test_an_extension_of_two_months_counts_from_receipt() -> None:
    assert legal_deadline(date(2026, 3, 27), extension_months=2) == date(2026, 6, 29)  # 27 June is a Saturday


def test_an_extension_beyond_two_months_is_impossible() -> None:
    with pytest.raises(ValueError, match="0 to 2 months"):
        legal_deadline(date(2026, 3, 27), extension_months=3)


def test_the_promised_term_of_four_weeks_is_28_days_and_not_rolled() -> None:
    assert promised_deadline(date(2026, 3, 27), "P4W") == date(2026, 4, 24)
    assert promised_deadline(date(2026, 3, 30), "P4W") == date(
        2026, 4, 27
    )  # King's Day: a promise is kept early


@pytest.mark.parametrize(
    ("today", "current", "extra", "allowed"),
    [
        (date(2026, 4, 20), 0, 2, True),
        (date(2026, 4, 28), 0, 1, True),  # the last day of the first month still counts
        (date(2026, 4, 29), 0, 1, False),
        (date(2026, 4, 20), 1, 1, True),
        (date(2026, 4, 20), 1, 2, False),
        (date(2026, 4, 20), 0, 0, False),
    ],
)
def test_an_extension_is_allowed_only_within_the_first_month_and_up_to_two_months(
    today: date, current: int, extra: int, allowed: bool
) -> None:
    reason = may_extend(date(2026, 3, 27), today=today, current_months=current, extra_months=extra)
    assert (reason is None) is allowed, reason


def test_the_day_of_receipt_is_the_dutch_calendar_day() -> None:
    assert received_on(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert received_on(datetime(2026, 12, 31, 22, 59, tzinfo=UTC)) == date(2026, 12, 31)


def test_overdue_and_nearly_due_requests_sort_first() -> None:
    received = [date(2026, 3, 2), date(2026, 4, 20), date(2026, 3, 25), date(2026, 2, 1)]
    today = date(2026, 4, 16)
    states = [clocks(r, answer_term="P4W", extension_months=0, today=today, running=True) for r in received]
    ordered = sorted(states, key=queue_order)
    assert [c.urgency for c in ordered] == [
        Urgency.OVERDUE,
        Urgency.OVERDUE,
        Urgency.NEARLY_DUE,
        Urgency.ON_TRACK,
    ]
    assert ordered[0].received == date(2026, 2, 1)


def test_a_closed_request_has_a_stopped_clock_and_sorts_last() -> None:
    stopped = clocks(
        date(2026, 1, 1), answer_term="P4W", extension_months=0, today=date(2026, 6, 1), running=False
    )
    running = clocks(
        date(2026, 5, 25), answer_term="P4W", extension_months=0, today=date(2026, 6, 1), running=True
    )
    assert stopped.urgency is Urgency.STOPPED
    assert sorted([stopped, running], key=queue_order)[0] is running
