"""The yearly privacy report: requests and their times, consents over time, what retention erased,
breaches and changes to the statement, with charts — as numbers, HTML and PDF. Counts only, never a person."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk.check.breaches import breach_table
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.store.models.retention import RetentionRun
from privacydesk.store.models.statement import StatementVersion
from privacydesk.subject_requests.lifecycle import clocks_of

MONTHS = range(1, 13)


@dataclass(frozen=True)
class RequestStats:
    received: int
    by_kind: dict[str, int]
    answered: int
    refused: int
    still_open: int
    days_to_answer: list[int]
    on_time: int

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_answer) if self.days_to_answer else None

    @property
    def max_days(self) -> int | None:
        return max(self.days_to_answer) if self.days_to_answer else None


@dataclass(frozen=True)
class YearlyReport:
    year: int
    made_on: date
    requests: RequestStats
    requests_per_month: list[int]
    consents: dict[str, list[int]]  # state → events per month
    consents_by_purpose: dict[str, dict[str, int]]  # purpose → state → events
    retention_runs: int
    erased_per_month: dict[str, list[int]]  # deleted / anonymised / people removed → per month
    breaches: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def erased_total(self) -> dict[str, int]:
        return {k: sum(v) for k, v in self.erased_per_month.items()}


def _bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _request_stats(requests: list[SubjectRequest]) -> RequestStats:
    answered = [r for r in requests if r.answered_at is not None]
    # A refusal is answered too, with reasons instead of a carried-out request (no summaries).
    refused = [r for r in answered if "summaries" not in (r.outcome or {})]
    days = [(r.answered_at.date() - r.received_on).days for r in answered if r.answered_at]
    on_time = sum(
        1 for r in answered if r.answered_at and r.answered_at.date() <= clocks_of(r, r.received_on).due
    )
    return RequestStats(
        received=len(requests),
        by_kind=dict(Counter(k for r in requests for k in r.kinds).most_common()),
        answered=len(answered) - len(refused),
        refused=len(refused),
        still_open=sum(r.answered_at is None and r.status not in ("refused", "closed") for r in requests),
        days_to_answer=sorted(days),
        on_time=on_time,
    )


def _requests(session: Session, year: int) -> tuple[RequestStats, list[int]]:
    query = select(SubjectRequest).where(
        SubjectRequest.received_on >= date(year, 1, 1), SubjectRequest.received_on < date(year + 1, 1, 1),
        SubjectRequest.status != "draft",
    )  # fmt: skip
    requests = list(session.execute(query).scalars())
    per_month = Counter(r.received_on.month for r in requests)
    return _request_stats(requests), [per_month[m] for m in MONTHS]


def _consents(session: Session, year: int) -> tuple[dict[str, list[int]], dict[str, dict[str, int]]]:
    start, end = _bounds(year)
    rows = session.execute(
        select(ConsentEvent.at, ConsentEvent.state, ConsentEvent.purpose).where(
            ConsentEvent.at >= start, ConsentEvent.at < end
        )
    ).all()
    monthly: dict[str, Counter[int]] = {}
    by_purpose: dict[str, Counter[str]] = {}
    for at, state, purpose in rows:
        monthly.setdefault(state, Counter())[at.month] += 1
        by_purpose.setdefault(purpose, Counter())[state] += 1
    return (
        {state: [c[m] for m in MONTHS] for state, c in sorted(monthly.items())},
        {p: dict(c) for p, c in sorted(by_purpose.items())},
    )


def _retention(session: Session, year: int) -> tuple[int, dict[str, list[int]]]:
    runs = session.execute(
        select(RetentionRun).where(
            RetentionRun.today >= date(year, 1, 1), RetentionRun.today < date(year + 1, 1, 1)
        )
    ).scalars()
    out = {"records deleted": [0] * 12, "records anonymised": [0] * 12, "people removed": [0] * 12}
    count = 0
    for run in runs:
        count += 1
        out["records deleted"][run.today.month - 1] += run.records_deleted
        out["records anonymised"][run.today.month - 1] += run.records_anonymised
        out["people removed"][run.today.month - 1] += run.subjects_deleted
    return count, out


def _breaches(session: Session, year: int) -> list[dict[str, Any]]:
    table = breach_table(session)
    if table is None:
        return []
    start, end = _bounds(year)
    rows = session.execute(
        select(table).where(table.c.aware_at >= start, table.c.aware_at < end).order_by(table.c.aware_at)
    ).all()
    return [
        {"ref": r.ref, "aware_on": r.aware_at.date(), "nature": ", ".join(r.nature), "people": r.people_count,
         "records": r.records_count,
         "ap_notified_after_hours": None if r.ap_notified_at is None
         else int((r.ap_notified_at - r.aware_at).total_seconds() // 3600),
         "people_told": r.people_notified_at is not None}
        for r in rows
    ]  # fmt: skip


def _statements(session: Session, year: int) -> list[dict[str, Any]]:
    start, end = _bounds(year)
    rows = session.execute(
        select(StatementVersion)
        .where(StatementVersion.published_at >= start, StatementVersion.published_at < end)
        .order_by(StatementVersion.number)
    ).scalars()
    return [
        {"version": s.number, "effective": s.effective_date, "published_on": s.published_at.date(),
         "consent_revision": s.consent_revision, "material_changes": list(s.material_changes)}
        for s in rows
    ]  # fmt: skip


def yearly_report(session: Session, *, year: int, today: date) -> YearlyReport:
    """Everything the owner should know about `year`, from the store and the registers."""
    stats, per_month = _requests(session, year)
    consents, by_purpose = _consents(session, year)
    runs, erased = _retention(session, year)
    return YearlyReport(
        year, today, stats, per_month, consents, by_purpose, runs, erased,
        _breaches(session, year), _statements(session, year),
    )  # fmt: skip
