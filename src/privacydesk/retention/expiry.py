"""Keep every record's expiry date (`records.expires_on`) true to the register and to what happened.

The store sets `expires_on` when a record is stored. Events that start a clock later (the end of a
relationship, a newer contact, a consent withdrawal, a request closed, an identity verified) and a
changed register rule move it: `recompute_expiry` brings the dates of one subject or of some
records up to date, and `apply_register_rules` those of every record whose rule has changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, select, update
from sqlalchemy.orm import Session

from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register, RetentionTrigger
from privacydesk.register.service import current_register, register_of
from privacydesk.retention.rules import ClockDates, changed_purposes, expires_on, rules_by_purpose
from privacydesk.store.models.core import RegisterVersion
from privacydesk.store.models.retention import RetentionState
from privacydesk.store.models.subjects import Record, Subject

BATCH = 20_000
_COLUMNS = (
    Record.id,
    Record.purpose,
    Record.event_on,
    Record.created_at,
    Record.expires_on,
    Subject.id,
    Subject.ref,
    Subject.last_contact_on,
    Subject.relationship_ended_on,
)


def _withdrawals(session: Session, rows: Sequence[Any], purposes: set[str]) -> dict[tuple[str, str], date]:
    """(subject ref or id, purpose) -> the day consent was withdrawn, where the newest event says so."""
    from privacydesk.store.models.consent import ConsentEvent

    if not purposes or not rows:
        return {}
    who = {str(r[5]) for r in rows} | {r[6] for r in rows}
    events = session.execute(
        select(ConsentEvent.subject_id, ConsentEvent.purpose, ConsentEvent.state, ConsentEvent.at)
        .where(ConsentEvent.subject_id.in_(who), ConsentEvent.purpose.in_(purposes))
        .order_by(ConsentEvent.id)
    )
    latest = {(str(s), p): (state, at) for s, p, state, at in events}
    return {key: at.date() for key, (state, at) in latest.items() if state == "withdrawn"}


def _dates(
    row: Any, withdrawn: dict[tuple[str, str], date], events: Mapping[RetentionTrigger, date]
) -> ClockDates:
    _, purpose, event_on, created_at, _, sid, ref, last_contact, ended = row
    return ClockDates(
        event_on=event_on,
        collected_on=created_at.date() if created_at else None,
        last_contact_on=last_contact,
        relationship_ended_on=ended,
        consent_withdrawn_on=withdrawn.get((ref, purpose)) or withdrawn.get((str(sid), purpose)),
        request_closed_on=events.get(RetentionTrigger.REQUEST_CLOSED),
        identity_verified_on=events.get(RetentionTrigger.IDENTITY_VERIFIED),
    )


def expiries_under(
    session: Session, register: Register, rows: Sequence[Any], events: Mapping[RetentionTrigger, date]
) -> list[tuple[int, str, date | None, date | None]]:
    """(record id, purpose, stored expiry, expiry under `register`) for rows selected as `_COLUMNS`."""
    rules = rules_by_purpose(register)
    consent_purposes = {p for p, r in rules.items() if r.starts == RetentionTrigger.CONSENT_WITHDRAWN}
    withdrawn = _withdrawals(session, rows, consent_purposes & {r[1] for r in rows})
    return [
        (row[0], row[1], row[4], expires_on(rules[row[1]], _dates(row, withdrawn, events)))
        for row in rows
        if row[1] in rules
    ]


def _new_expiries(
    session: Session, register: Register, rows: Sequence[Any], events: Mapping[RetentionTrigger, date]
) -> list[dict[str, Any]]:
    return [
        {"rid": rid, "expires": new}
        for rid, _, old, new in expiries_under(session, register, rows, events)
        if new != old
    ]


def record_batches(session: Session, where: ColumnElement[bool]) -> Iterator[Sequence[Any]]:
    """Rows (as `_COLUMNS`) of the records matching `where`, in keyset batches of record ids."""
    last = 0
    while True:
        query = select(*_COLUMNS).join(Subject, Subject.id == Record.subject_id)
        rows = session.execute(query.where(where, Record.id > last).order_by(Record.id).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _write(session: Session, changes: list[dict[str, Any]], version: int | None) -> None:
    if not changes:
        return
    values: dict[str, Any] = {"expires_on": bindparam("expires")}
    if version is not None:
        values["register_version"] = version
    stmt = update(Record).where(Record.id == bindparam("rid")).values(**values)
    session.connection().execute(stmt.execution_options(synchronize_session=False), changes)


def _recompute(
    session: Session,
    register: Register,
    where: ColumnElement[bool],
    events: Mapping[RetentionTrigger, date],
    version: int | None = None,
) -> int:
    """Recompute in keyset batches of record ids; returns how many dates changed."""
    changed = 0
    for rows in record_batches(session, where):
        changes = _new_expiries(session, register, rows, events)
        _write(session, changes, version)
        changed += len(changes)
    return changed


def recompute_expiry(
    session: Session,
    *,
    register: Register,
    subject_id: int | None = None,
    record_ids: Iterable[int] | None = None,
    events: Mapping[RetentionTrigger, date] | None = None,
) -> int:
    """Bring `expires_on` of one subject's records (or of `record_ids`) in line with the register.

    Call it after an event that starts or moves a clock: the subject's `relationship_ended_on` or
    `last_contact_on` changed, consent was withdrawn (the ledger is read), or — passing
    `events={RetentionTrigger.REQUEST_CLOSED: day}` or `IDENTITY_VERIFIED` — a request was closed or
    an identity verified. Returns how many records got a new date. Flushes, never commits.
    """
    if (subject_id is None) == (record_ids is None):
        raise UnusableInput("recompute_expiry needs subject_id or record_ids, not both")
    if subject_id is not None:
        where = Record.subject_id == subject_id
    else:
        where = Record.id.in_(list(record_ids or []))
    return _recompute(session, register, where, events or {})


def _versions_in_use(session: Session) -> list[int]:
    return list(session.execute(select(Record.register_version).distinct()).scalars())


def _state(session: Session) -> RetentionState:
    state = session.get(RetentionState, 1)
    if state is None:
        state = RetentionState(id=1, register_version=0)
        session.add(state)
    return state


def apply_register_rules(session: Session) -> int:
    """After a new register version: recompute the records whose purpose's rule changed since the
    version they were stored under. Cheap when nothing changed (one row says which version applies)."""
    version, register = current_register(session)
    state = _state(session)
    if state.register_version == version.number:
        return 0
    changed = 0
    for number in _versions_in_use(session):
        if number == version.number:
            continue
        old = session.execute(select(RegisterVersion).where(RegisterVersion.number == number)).scalar()
        purposes = changed_purposes(register_of(old) if old else None, register)
        if purposes:
            where = and_(Record.register_version == number, Record.purpose.in_(purposes))
            changed += _recompute(session, register, where, {}, version=version.number)
    state.register_version = version.number
    session.flush()
    return changed


def count_without_clock(session: Session) -> int:
    """Records whose clock has not started (e.g. a relationship still running)."""
    return int(session.execute(select(func.count()).where(Record.expires_on.is_(None))).scalar_one())
