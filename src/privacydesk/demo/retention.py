"""Demo retention: clocks started from the demo people's dates, and one legal hold to see."""

from __future__ import annotations

from sqlalchemy import select

from privacydesk.demo import DemoContext
from privacydesk.retention.expiry import recompute_expiry
from privacydesk.retention.holds import place_hold
from privacydesk.store.models.subjects import Subject

ORDER = 30


def seed(ctx: DemoContext) -> None:
    # The people seeder sets last-contact and end-of-relationship dates; start those clocks.
    subjects = ctx.session.execute(select(Subject.id, Subject.ref).order_by(Subject.id)).all()
    changed = sum(recompute_expiry(ctx.session, register=ctx.register, subject_id=sid) for sid, _ in subjects)
    customers = ctx.shared.get("customers") or [sid for sid, _ in subjects]
    if len(customers) > 2:
        held = ctx.session.get(Subject, customers[2])
        assert held is not None
        place_hold(
            ctx.session,
            subject_ref=held.ref,
            reason="Disputed invoice, claim pending (demo)",
            today=ctx.today,
            actor=ctx.actor,
        )
        ctx.notes.append(
            f"retention: {changed} expiry dates set from contact and relationship dates; "
            f"a legal hold on subject {held.ref}; try `privacydesk retention plan --chart plan.png`"
        )
