"""The two clocks of a request, as pure functions of dates.

- The legal term (GDPR art. 12(3)): one month from receipt, counted as EU Regulation 1182/71 says:
  the day of receipt does not count (art. 3(1)); the term ends on the same date one month later, or
  on that month's last day where the date does not exist (art. 3(2)(c)); a term ending on a
  Saturday, Sunday or public holiday ends on the next working day (art. 3(4)). It may be extended
  by at most two further months, only before the first month ends.
- The promised term: what the privacy statement promises (the register's `rights.answer_term`,
  four weeks for Ocqto), counted from the day of receipt without rolling: a promise is kept early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

from privacydesk.register.model import Duration

LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
MAX_EXTENSION_MONTHS = 2
NEARLY_DUE_DAYS = 7


class Urgency(StrEnum):
    OVERDUE = "overdue"
    NEARLY_DUE = "nearly_due"
    ON_TRACK = "on_track"
    STOPPED = "stopped"


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Dutch public holiday."""
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def received_on(received_at: datetime) -> date:
    """The day of receipt in the Netherlands (a message at 23:30 UTC in summer arrives the next day)."""
    return received_at.astimezone(LOCAL_ZONE).date()


def legal_deadline(received: date, *, extension_months: int = 0) -> date:
    """The last day to answer: 1 + `extension_months` months after receipt, rolled to a working day."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"an extension is 0 to {MAX_EXTENSION_MONTHS} months, not {extension_months}")
    # relativedelta keeps the day of the month and clips to the month's last day (31 Jan → 28/29 Feb).
    return next_working_day(received + relativedelta(months=1 + extension_months))


def promised_deadline(received: date, answer_term: str) -> date:
    """The day the statement promises an answer by (e.g. P4W: four weeks after receipt)."""
    return Duration.parse(answer_term).after(received)


def may_extend(received: date, *, today: date, current_months: int, extra_months: int) -> str | None:
    """None when the extension is allowed, else the reason it is not."""
    if extra_months < 1:
        return "an extension is at least one month"
    if current_months + extra_months > MAX_EXTENSION_MONTHS:
        return f"the term can be extended by at most {MAX_EXTENSION_MONTHS} months in total"
    if today > legal_deadline(received):
        return "the first month has already ended; an extension must be announced within it"
    return None


@dataclass(frozen=True)
class Clocks:
    """Both deadlines of one request, and how urgent it is today."""

    received: date
    promised: date
    legal: date
    due: date
    days_left: int
    urgency: Urgency


def clocks(received: date, *, answer_term: str, extension_months: int, today: date, running: bool) -> Clocks:
    """The clocks of a request received on `received`; `due` is the earlier deadline still ahead."""
    promised = promised_deadline(received, answer_term)
    legal = legal_deadline(received, extension_months=extension_months)
    # After an extension the promise is superseded by the extended legal term (a letter said so).
    due = legal if extension_months else min(promised, legal)
    days_left = (due - today).days
    return Clocks(received, promised, legal, due, days_left, urgency(days_left, running=running))


def urgency(days_left: int, *, running: bool) -> Urgency:
    if not running:
        return Urgency.STOPPED
    if days_left < 0:
        return Urgency.OVERDUE
    return Urgency.NEARLY_DUE if days_left <= NEARLY_DUE_DAYS else Urgency.ON_TRACK


_ORDER = {Urgency.OVERDUE: 0, Urgency.NEARLY_DUE: 1, Urgency.ON_TRACK: 2, Urgency.STOPPED: 3}


def queue_order(c: Clocks) -> tuple[int, date]:
    """Sort key: overdue first, then nearly due, then the rest, each by due date."""
    return (_ORDER[c.urgency], c.due)
