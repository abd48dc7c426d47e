"""Legal holds: data under a hold is never erased, by retention or by an erasure request.

A hold is placed on a whole subject or on one record, with a reason, who placed it and an optional
end date; lifting one needs Permission.LIFT_HOLD and a reason. Services that erase call
`refuse_if_held`; the retention engine filters with `active_hold_filter` in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from privacydesk import audit, auth
from privacydesk.errors import NotFound, Refused, UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.models.retention import LegalHold
from privacydesk.store.models.subjects import Record, Subject


@dataclass(frozen=True)
class HoldView:
    """A hold as shown wherever the data is: no personal data, only the pseudonymous target."""

    id: int
    target: str
    reason: str
    placed_by: str
    placed_on: date
    ends_on: date | None
    active: bool
    lifted_by: str | None


def active_hold_filter(today: date) -> ColumnElement[bool]:
    return and_(LegalHold.lifted_at.is_(None), or_(LegalHold.ends_on.is_(None), LegalHold.ends_on >= today))


def _target(
    session: Session, *, subject_ref: str | None, record_id: int | None
) -> tuple[int, int | None, str]:
    if (subject_ref is None) == (record_id is None):
        raise UnusableInput("name either a subject or a record", hint="use --subject REF or --record ID")
    if record_id is not None:
        record = session.get(Record, record_id)
        if record is None:
            raise NotFound(f"no record {record_id}", hint="check the id with `privacydesk subjects show`")
        return record.subject_id, record_id, f"record:{record_id}"
    subject_id = session.execute(select(Subject.id).where(Subject.ref == subject_ref)).scalar()
    if subject_id is None:
        raise NotFound(
            "no such subject", hint="use the subject's ref, as `privacydesk subjects find` shows it"
        )
    return subject_id, None, f"subject:{subject_ref}"


def _check_hold(reason: str, ends_on: date | None, today: date) -> None:
    if not reason.strip():
        raise UnusableInput("a hold needs a reason", hint='pass --reason "…" (e.g. the case number)')
    if ends_on is not None and ends_on < today:
        raise UnusableInput(f"--until {ends_on} lies in the past", hint="give a future end date, or none")


def place_hold(
    session: Session,
    *,
    subject_ref: str | None = None,
    record_id: int | None = None,
    reason: str,
    ends_on: date | None = None,
    today: date,
    actor: str,
) -> LegalHold:
    """Put a legal hold on a subject (all their data) or on one record."""
    _check_hold(reason, ends_on, today)
    subject_id, rec_id, target = _target(session, subject_ref=subject_ref, record_id=record_id)
    hold = LegalHold(
        subject_id=subject_id if rec_id is None else None,
        record_id=rec_id,
        target=target,
        reason=reason.strip()[:500],
        placed_by=actor,
        ends_on=ends_on,
    )
    session.add(hold)
    session.flush()
    audit.record(
        session,
        action=audit.Action.HOLD_PLACED,
        actor=actor,
        target_type=target.split(":")[0],
        target_id=target.split(":", 1)[1],
        reason=hold.reason,
        details={"hold": hold.id, "ends_on": ends_on.isoformat() if ends_on else None},
    )
    return hold


def lift_hold(session: Session, *, hold_id: int, reason: str, role: auth.Role | str, actor: str) -> LegalHold:
    """Lift a hold; only roles with Permission.LIFT_HOLD may (owner, privacy officer)."""
    if not auth.can(role, auth.Permission.LIFT_HOLD):
        raise Refused("lifting a legal hold needs the lift_hold permission", hint="ask the privacy officer")
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound(f"no hold {hold_id}", hint="see `privacydesk hold list`")
    if hold.lifted_at is not None:
        raise Refused(f"hold {hold_id} was lifted already")
    hold.lifted_at, hold.lifted_by, hold.lift_reason = utcnow(), actor, reason.strip()[:500] or None
    session.flush()
    kind, _, ident = hold.target.partition(":")
    audit.record(
        session,
        action=audit.Action.HOLD_LIFTED,
        actor=actor,
        target_type=kind,
        target_id=ident,
        reason=hold.lift_reason,
        details={"hold": hold.id},
    )
    return hold


def _view(hold: LegalHold, today: date) -> HoldView:
    active = hold.lifted_at is None and (hold.ends_on is None or hold.ends_on >= today)
    return HoldView(
        hold.id,
        hold.target,
        hold.reason,
        hold.placed_by,
        hold.placed_at.date(),
        hold.ends_on,
        active,
        hold.lifted_by,
    )


def list_holds(session: Session, *, today: date, include_inactive: bool = False) -> list[HoldView]:
    query = select(LegalHold).order_by(LegalHold.id)
    if not include_inactive:
        query = query.where(active_hold_filter(today))
    return [_view(h, today) for h in session.execute(query).scalars()]


def holds_on_subject(session: Session, *, subject_id: int, today: date) -> list[HoldView]:
    """Active holds on the subject or on any of their records: to show next to their data."""
    records = select(Record.id).where(Record.subject_id == subject_id)
    query = select(LegalHold).where(
        active_hold_filter(today), or_(LegalHold.subject_id == subject_id, LegalHold.record_id.in_(records))
    )
    return [_view(h, today) for h in session.execute(query.order_by(LegalHold.id)).scalars()]


def refuse_if_held(session: Session, *, subject_id: int, today: date) -> None:
    """For erasure requests: refuse (naming the holds, not the person) while a hold binds."""
    holds = holds_on_subject(session, subject_id=subject_id, today=today)
    if holds:
        raise Refused(
            "this data is under a legal hold (" + ", ".join(f"hold {h.id}: {h.target}" for h in holds) + ")",
            hint="erase what is not held, and tell the requester why the rest is kept (GDPR art. 17(3)(e))",
        )
