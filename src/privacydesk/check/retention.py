"""Art. 4: nothing is kept past its retention date — the daily run ran, and holds end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select

from privacydesk.check.model import Context, Violation
from privacydesk.retention.holds import active_hold_filter
from privacydesk.store.models.retention import LegalHold
from privacydesk.store.models.subjects import Record

SAMPLE = 10


def _held(ctx: Context, *, open_ended: bool) -> Any:
    active = active_hold_filter(ctx.today)
    ends = LegalHold.ends_on.is_(None) if open_ended else LegalHold.ends_on.is_not(None)
    subjects = select(LegalHold.subject_id).where(active, ends, LegalHold.subject_id.is_not(None))
    records = select(LegalHold.record_id).where(active, ends, LegalHold.record_id.is_not(None))
    return or_(Record.subject_id.in_(subjects), Record.id.in_(records))


def _per_purpose(ctx: Context, where: Any) -> Sequence[Any]:
    return ctx.session.execute(
        select(Record.purpose, func.count(), func.min(Record.expires_on))
        .where(Record.expires_on < ctx.today, where)
        .group_by(Record.purpose)
        .order_by(Record.purpose)
    ).all()


def _sample(ctx: Context, purpose: str, where: Any) -> list[int]:
    query = select(Record.id).where(Record.purpose == purpose, Record.expires_on < ctx.today, where)
    return list(ctx.session.execute(query.order_by(Record.id).limit(SAMPLE)).scalars())


def past_retention(ctx: Context) -> list[Violation]:
    """Records past their date that no active hold keeps: the retention run did not erase them."""
    free = ~_held(ctx, open_ended=True) & ~_held(ctx, open_ended=False)
    return [
        Violation(
            f"{count} record(s) for purpose '{purpose}' are kept past their retention date",
            {
                "purpose": purpose,
                "records": count,
                "oldest_expiry": oldest.isoformat(),
                "record_ids": _sample(ctx, purpose, free),
            },
            "run `privacydesk retention run` (and check the daily job of `privacydesk serve` runs)",
        )  # fmt: skip
        for purpose, count, oldest in _per_purpose(ctx, free)
    ]


def open_ended_holds(ctx: Context) -> list[Violation]:
    """Records past their date kept by a legal hold that has no end date: kept without a limit."""
    expired = Record.expires_on < ctx.today
    rows = ctx.session.execute(
        select(LegalHold.id, LegalHold.target)
        .where(
            active_hold_filter(ctx.today),
            LegalHold.ends_on.is_(None),
            or_(
                LegalHold.subject_id.in_(select(Record.subject_id).where(expired)),
                LegalHold.record_id.in_(select(Record.id).where(expired)),
            ),
        )
        .order_by(LegalHold.id)
    ).all()
    if not rows:
        return []
    count = sum(n for _, n, _ in _per_purpose(ctx, _held(ctx, open_ended=True)))
    return [
        Violation(
            f"{count} record(s) past their retention date are kept by legal holds without an end date",
            {"records": count, "holds": [{"hold_id": i, "target": t} for i, t in rows]},
            "give each hold an end date (`privacydesk hold`) or lift it once the claim is settled",
        )
    ]
