"""`retention plan`: a dry run — what leaves when, per rule — and the effect of a changed rule.

Everything is counted in SQL (GROUP BY over the `expires_on` index); nothing is decrypted. The plan
names records by id and subjects by pseudonymous ref only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.retention.expiry import expiries_under, record_batches
from privacydesk.retention.holds import active_hold_filter
from privacydesk.retention.rules import changed_purposes, month_buckets, rules_by_purpose
from privacydesk.store.models.retention import LegalHold
from privacydesk.store.models.subjects import Record, Subject

SAMPLE = 3
FORECAST_MONTHS = 24


@dataclass
class RulePlan:
    """What one retention rule removes up to the plan's end date."""

    rule: str
    purposes: list[str]
    at_expiry: str
    records: int = 0
    overdue: int = 0  # due today or earlier: the next run removes them
    held: int = 0
    earliest: date | None = None
    latest: date | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RuleChange:
    """The effect of a purpose's new rule, before the new register is loaded."""

    purpose: str
    old_rule: str | None
    new_rule: str
    records: int = 0
    newly_overdue: int = 0
    later: int = 0
    earlier: int = 0


@dataclass
class RetentionPlan:
    today: date
    until: date
    rules: list[RulePlan]
    without_clock: int
    forecast: list[dict[str, Any]]  # [{"month": date, "counts": {rule: n}}] for 24 months
    changes: list[RuleChange] | None = None

    @property
    def total(self) -> int:
        return sum(r.records for r in self.rules)


def _held(today: date) -> Any:
    subjects = select(LegalHold.subject_id).where(
        active_hold_filter(today), LegalHold.subject_id.is_not(None)
    )
    records = select(LegalHold.record_id).where(active_hold_filter(today), LegalHold.record_id.is_not(None))
    return or_(Record.subject_id.in_(subjects), Record.id.in_(records))


def _per_purpose(session: Session, today: date, until: date) -> dict[str, tuple[int, int, int, date, date]]:
    held = _held(today)
    # Grouped by an expression, not the column: else SQLite walks the purpose index over every
    # record (to skip a sort) instead of the due range of the expiry index, which holds all it needs.
    purpose = Record.purpose.op("||")(literal_column("''"))
    query = (
        select(
            purpose,
            func.count(),
            func.sum(case((held, 1), else_=0)),
            func.sum(case((Record.expires_on <= today, 1), else_=0)),
            func.min(Record.expires_on),
            func.max(Record.expires_on),
        )
        .where(Record.expires_on <= until)
        .group_by(purpose)
    )
    rows: list[Any] = list(session.execute(query))
    return {p: (int(n), int(h or 0), int(o or 0), lo, hi) for p, n, h, o, lo, hi in rows}


def _sample(session: Session, purposes: list[str], until: date) -> list[dict[str, Any]]:
    query = (
        select(Record.id, Subject.ref, Record.kind, Record.purpose, Record.expires_on)
        .join(Subject, Subject.id == Record.subject_id)
        .where(Record.purpose.in_(purposes), Record.expires_on <= until)
        .order_by(Record.expires_on, Record.id)
        .limit(SAMPLE)
    )
    return [
        {"record": rid, "subject": ref, "kind": kind, "purpose": purpose, "expires_on": expires}
        for rid, ref, kind, purpose, expires in session.execute(query)
    ]


def _rule_plans(session: Session, register: Register, today: date, until: date) -> list[RulePlan]:
    counts = _per_purpose(session, today, until)
    plans: dict[str, RulePlan] = {}
    for purpose, rule in rules_by_purpose(register).items():
        plan = plans.setdefault(rule.key, RulePlan(rule.key, [], str(rule.at_expiry)))
        plan.purposes.append(purpose)
        if purpose not in counts:
            continue
        n, held, overdue, lo, hi = counts[purpose]
        plan.records += n - held
        plan.held += held
        plan.overdue += overdue
        plan.earliest = min(d for d in (plan.earliest, lo) if d)
        plan.latest = max(d for d in (plan.latest, hi) if d)
    for plan in plans.values():
        if plan.records or plan.held:
            plan.sample = _sample(session, plan.purposes, until)
    return sorted(plans.values(), key=lambda p: (-p.records, p.rule))


def _forecast(session: Session, register: Register, today: date) -> list[dict[str, Any]]:
    end = today.replace(day=1) + relativedelta(months=FORECAST_MONTHS)
    query = (
        select(Record.purpose, Record.expires_on, func.count())
        .where(Record.expires_on > today, Record.expires_on < end, ~_held(today))
        .group_by(Record.purpose, Record.expires_on)
    )
    rule_of = {p: r.key for p, r in rules_by_purpose(register).items()}
    per_rule: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for purpose, expires, n in session.execute(query):
        if expires is not None:
            per_rule[rule_of.get(purpose, "(no rule)")].append((expires, int(n)))
    months = [m for m, _ in month_buckets([], today=today, months=FORECAST_MONTHS)]
    buckets = {
        rule: dict(month_buckets(v, today=today, months=FORECAST_MONTHS)) for rule, v in per_rule.items()
    }
    return [
        {"month": m, "counts": {rule: b[m] for rule, b in sorted(buckets.items()) if b[m]}} for m in months
    ]


def plan_retention(
    session: Session,
    *,
    register: Register,
    today: date,
    until: date | None = None,
    candidate: Register | None = None,
) -> RetentionPlan:
    """What leaves by `until` (default: today), per rule; with `candidate`, what a new register changes."""
    until = until or today
    if until < today:
        raise UnusableInput(f"--until {until} lies before today ({today})", hint="give a later date")
    without_clock = session.execute(select(func.count()).where(Record.expires_on.is_(None))).scalar_one()
    return RetentionPlan(
        today=today,
        until=until,
        rules=_rule_plans(session, register, today, until),
        without_clock=int(without_clock),
        forecast=_forecast(session, register, today),
        changes=rule_change_effect(session, current=register, candidate=candidate, today=today)
        if candidate
        else None,
    )


def rule_change_effect(
    session: Session, *, current: Register, candidate: Register, today: date
) -> list[RuleChange]:
    """Per purpose whose rule the candidate changes: how many records would now be overdue, or move."""
    old_rules, new_rules = rules_by_purpose(current), rules_by_purpose(candidate)
    changes = {
        p: RuleChange(p, old_rules[p].key if p in old_rules else None, new_rules[p].key)
        for p in sorted(changed_purposes(current, candidate))
    }
    if not changes:
        return []
    for rows in record_batches(session, Record.purpose.in_(list(changes))):
        for _, purpose, old, new in expiries_under(session, candidate, rows, {}):
            change = changes[purpose]
            change.records += 1
            change.newly_overdue += int(new is not None and new <= today and (old is None or old > today))
            change.later += int(new is not None and old is not None and new > old)
            change.earlier += int(new is not None and (old is None or new < old))
    return list(changes.values())


def draw_chart(plan: RetentionPlan, path: Path, *, title: str) -> None:
    """A stacked bar chart of what leaves per month over the next 24 months (PNG or SVG by suffix)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if path.suffix.lower() not in (".png", ".svg"):
        raise UnusableInput(f"{path}: the chart must be .png or .svg", hint="e.g. --chart forecast.png")
    months = [f["month"] for f in plan.forecast]
    rules = sorted({rule for f in plan.forecast for rule in f["counts"]})
    fig, ax = plt.subplots(figsize=(11, 4.8), dpi=110)
    bottom = [0] * len(months)
    for rule in rules:
        values = [f["counts"].get(rule, 0) for f in plan.forecast]
        ax.bar([m.strftime("%b %Y") for m in months], values, bottom=bottom, label=rule, width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title)
    ax.set_ylabel("records leaving")
    ax.tick_params(axis="x", labelrotation=60, labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.margins(y=0.12)
    if rules:
        ax.legend(title="retention rule", fontsize=8)
    else:
        ax.text(0.5, 0.5, "nothing leaves in the next 24 months", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
