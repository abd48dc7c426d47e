"""Consent in the admin: where each purpose stands now (the ledger's report), how decisions moved
per week and per consent revision (a chart, with its numbers as a table), the banner's embed
snippet and a preview, and the newsletter's subscribers (personal data: loaded on request, audited).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privacydesk.auth import Permission
from privacydesk.consent import ledger, newsletter
from privacydesk.store.base import utcnow
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.web.access import Principal, require
from privacydesk.web.templating import render

router = APIRouter()
Reports = Annotated[Principal, Depends(require(Permission.VIEW_REPORTS))]
WEEKS = 26


@dataclass(frozen=True)
class WeekRow:
    week: date
    purpose: str
    revision: int
    given: int
    refused: int


def consent_timeline(session: Session, *, since: datetime) -> list[WeekRow]:
    """Decisions per ISO week, purpose and consent revision since `since` (one grouped query).

    Read-only and set-based; it sits here because the ledger offers a report of the current state
    only. Grouping by day keeps the SQL portable (SQLite and PostgreSQL); weeks are folded here.
    """
    day = func.date(ConsentEvent.at)
    rows = session.execute(
        select(ConsentEvent.purpose, ConsentEvent.consent_revision, ConsentEvent.state, day, func.count())
        .where(ConsentEvent.at >= since)
        .group_by(ConsentEvent.purpose, ConsentEvent.consent_revision, ConsentEvent.state, day)
    )
    counts: dict[tuple[date, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        purpose, revision, state, on, n = row[0], int(row[1]), row[2], row[3], int(row[4])
        day_on = on if isinstance(on, date) else date.fromisoformat(str(on))
        week = day_on - timedelta(days=day_on.weekday())
        counts[(week, str(purpose), revision)][0 if state == "given" else 1] += n
    return [WeekRow(w, p, r, g, x) for (w, p, r), (g, x) in sorted(counts.items())]


def _snippet(request: Request) -> str:
    base = str(request.app.state.settings.base_url).rstrip("/")
    return f'<script src="{base}/consent.js" defer></script>'


@router.get("/admin/consent", response_class=HTMLResponse)
def consent(request: Request, principal: Reports) -> HTMLResponse:
    """Consent statistics per purpose and revision, the banner snippet, newsletter subscribers."""
    with request.app.state.db.session_scope(readonly=True) as session:
        report = ledger.ledger_report(session)
        timeline = consent_timeline(session, since=utcnow() - timedelta(weeks=WEEKS))
    return render(
        request,
        "admin_consent.html",
        active="consent",
        report=report,
        timeline=timeline,
        snippet=_snippet(request),
        lang="en",
    )


def _draw(timeline: list[WeekRow]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 4.2), dpi=110)
    series: dict[str, dict[date, tuple[int, int]]] = defaultdict(dict)
    for row in timeline:
        g, r = series[row.purpose].get(row.week, (0, 0))
        series[row.purpose][row.week] = (g + row.given, r + row.refused)
    for purpose, weeks in sorted(series.items()):
        xs = sorted(weeks)
        shares = [100 * weeks[w][0] / max(1, sum(weeks[w])) for w in xs]
        ax.plot(xs, shares, marker="o", label=purpose)  # type: ignore[arg-type]
    _mark_revisions(ax, timeline)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of decisions that gave consent")
    ax.set_title("Consent given, per week and purpose")
    ax.grid(alpha=0.3)
    if series:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no decisions recorded yet", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _mark_revisions(ax: Any, timeline: list[WeekRow]) -> None:
    first_week: dict[int, date] = {}
    for row in timeline:
        first_week[row.revision] = min(row.week, first_week.get(row.revision, row.week))
    for revision, week in sorted(first_week.items())[1:]:
        ax.axvline(week, color="grey", linestyle="--", linewidth=1)
        ax.text(week, 98, f" revision {revision}", fontsize=8, va="top")


@router.get("/admin/consent/chart.png")
def consent_chart(request: Request, principal: Reports) -> Response:
    with request.app.state.db.session_scope(readonly=True) as session:
        timeline = consent_timeline(session, since=utcnow() - timedelta(weeks=WEEKS))
    return Response(_draw(timeline), media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/admin/consent/subscribers", response_class=HTMLResponse)
def subscribers(
    request: Request, principal: Annotated[Principal, Depends(require(Permission.VIEW_PERSONAL_DATA))]
) -> HTMLResponse:
    """Who may get the newsletter now (suppressed addresses left out); audited as an export."""
    with request.app.state.db.session_scope() as session:
        people = newsletter.mailing_list(session, actor=principal.actor)
    return render(request, "admin_consent_subscribers.html", people=people, lang="en")


@router.get("/admin/consent/preview", response_class=HTMLResponse)
def banner_preview(request: Request, principal: Reports) -> HTMLResponse:
    """A blank page with the banner on it, as visitors of the website see it."""
    return render(request, "admin_consent_preview.html", lang="en")
