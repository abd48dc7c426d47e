"""Art. 8: a breach that must be notified reaches the AP within 72 hours of awareness (art. 33).

The breach register is read through its table, so this check (and the yearly report) work whether
or not the breach part is installed: without it, the check says it could not look.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlalchemy.orm import Session

from privacydesk.check.model import Context, Violation
from privacydesk.store.base import Base, utcnow


def breach_table(session: Session) -> Table | None:
    """The breach register's table, or None when the breach part is not installed (or migrated)."""
    try:
        importlib.import_module("privacydesk.store.models.breaches")
    except ImportError:
        return None
    table = Base.metadata.tables.get("breaches")
    if table is None or not inspect(session.connection()).has_table("breaches"):
        return None
    return table


def _assess() -> Any:
    try:
        return importlib.import_module("privacydesk.breaches.assess").assess
    except (ImportError, AttributeError):
        return None


def _now(ctx: Context) -> datetime:
    return min(utcnow(), datetime.combine(ctx.today, time.max, tzinfo=UTC))


def breaches_not_notified(ctx: Context) -> list[Violation] | None:
    table, assess = breach_table(ctx.session), _assess()
    if table is None or assess is None:
        return None
    rows = ctx.session.execute(
        select(table).where(table.c.ap_notified_at.is_(None)).order_by(table.c.id)
    ).all()
    now, out = _now(ctx), []
    for row in rows:
        advice = assess(ctx.register, nature=list(row.nature), categories=list(row.categories),
                        people=row.people_count, encrypted=row.encrypted, aware_at=row.aware_at)  # fmt: skip
        if advice.notify_ap and now > advice.deadline:
            hours = int((now - row.aware_at).total_seconds() // 3600)
            out.append(
                Violation(
                    "a breach that must be notified was not reported to the AP within 72 hours",
                    {
                        "breach_ref": row.ref,
                        "aware_on": row.aware_at.date().isoformat(),
                        "hours_since_aware": hours,
                        "people": row.people_count,
                    },  # fmt: skip
                    f"notify the AP now through its online form (`privacydesk breach` {row.ref}) and record "
                    "the reasons for the delay (art. 33(1))",
                )
            )
    return out
