"""`retention run`: erase what has expired, set-based, whole subjects at a time, resumable.

1. A run starts by bringing expiry dates up to date (changed register rules, clocks that started),
   then lists every subject with a due, unheld record in `retention_queue` (one INSERT … SELECT).
2. It then works through the queue in batches of whole subjects. Each batch is one transaction:
   due records are deleted (or anonymised, keeping the register's `keep_when_anonymised` fields),
   orphaned messages go, subjects with nothing left are removed with their data key destroyed,
   one audit entry per subject is appended, and the run's checkpoint (the last subject done) moves
   on. A subject is never split over two transactions, so it is never half-erased.
3. Killed at any moment, the next `retention run` finds the unfinished run and resumes it after its
   checkpoint, with the same day and the same queue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.register.model import ExpiryAction, Register
from privacydesk.register.service import current_register
from privacydesk.retention.expiry import _recompute, apply_register_rules
from privacydesk.retention.holds import active_hold_filter
from privacydesk.retention.rules import rules_by_purpose
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, Undecryptable, open_json
from privacydesk.store.db import Database
from privacydesk.store.models.retention import AnonymisedRecord, LegalHold, RetentionQueue, RetentionRun
from privacydesk.store.models.subjects import (
    Identifier,
    Message,
    Record,
    RecordHistory,
    Subject,
    SubjectKey,
)
from privacydesk.subjects import aad_for

SUBJECTS_PER_TRANSACTION = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    today: date
    resumed: bool
    subjects_visited: int
    records_deleted: int
    records_anonymised: int
    subjects_deleted: int
    records_held: int


def _held_subjects(today: date) -> Any:
    return select(LegalHold.subject_id).where(active_hold_filter(today), LegalHold.subject_id.is_not(None))


def _held_records(today: date) -> Any:
    return select(LegalHold.record_id).where(active_hold_filter(today), LegalHold.record_id.is_not(None))


def _due(today: date) -> Any:
    return (Record.expires_on <= today) & Record.subject_id.not_in(_held_subjects(today))


def _start_clocks(session: Session, register: Register) -> None:
    """Safety net: records whose clock should have started but whose date was never set."""
    started = or_(Subject.relationship_ended_on.is_not(None), Subject.last_contact_on.is_not(None))
    _recompute(session, register, Record.expires_on.is_(None) & started, {})


def open_run(session: Session, *, today: date, actor: str) -> tuple[RetentionRun, bool]:
    """The unfinished run to resume, or a new one with its queue filled; True when resumed."""
    unfinished = session.execute(
        select(RetentionRun).where(RetentionRun.status == "running").order_by(RetentionRun.id).limit(1)
    ).scalar()
    if unfinished is not None:
        return unfinished, True
    version, register = current_register(session)
    apply_register_rules(session)
    _start_clocks(session, register)
    run = RetentionRun(today=today, actor=actor, register_version=version.number)
    session.add(run)
    session.flush()
    due_subjects = select(literal(run.id), Record.subject_id).where(_due(today)).distinct()
    session.execute(insert(RetentionQueue).from_select(["run_id", "subject_id"], due_subjects))
    run.subjects_queued = session.execute(
        select(func.count()).where(RetentionQueue.run_id == run.id)
    ).scalar_one()
    held = select(func.count()).where(
        Record.expires_on <= today,
        or_(Record.subject_id.in_(_held_subjects(today)), Record.id.in_(_held_records(today))),
    )
    run.records_held = session.execute(held).scalar_one()
    session.flush()
    return run, False


def _next_subjects(session: Session, run: RetentionRun, size: int) -> list[int]:
    query = (
        select(RetentionQueue.subject_id)
        .where(RetentionQueue.run_id == run.id, RetentionQueue.subject_id > run.last_subject_id)
        .order_by(RetentionQueue.subject_id)
        .limit(size)
    )
    return list(session.execute(query).scalars())


def _due_records(session: Session, subject_ids: list[int], today: date) -> Sequence[Any]:
    query = select(
        Record.id,
        Record.subject_id,
        Record.purpose,
        Record.kind,
        Record.category,
        Record.event_on,
        Record.message_id,
    ).where(
        Record.subject_id.in_(subject_ids),
        _due(today),
        Record.id.not_in(_held_records(today)),
    )
    return session.execute(query).all()


def _kept_fields(payload: Any, keep: list[str]) -> dict[str, Any]:
    return {k: payload[k] for k in keep if isinstance(payload, dict) and k in payload}


def _anonymise(
    session: Session, rows: Sequence[Any], rules: dict[str, Any], keyring: Keyring, run: RetentionRun
) -> int:
    """Copy the kept fields of records to anonymise into `anonymised_records` (no subject, no key)."""
    if not rows:
        return 0
    sealed = session.execute(
        select(Record.id, Record.kind, Record.payload_enc, Subject.ref, SubjectKey.wrapped_key)
        .join(Subject, Subject.id == Record.subject_id)
        .outerjoin(SubjectKey, SubjectKey.subject_id == Record.subject_id)
        .where(Record.id.in_([r.id for r in rows]))
    ).all()
    keys: dict[str, bytes | None] = {}
    payloads = {
        rid: _open(keyring, keys, blob, ref, wrapped, kind) for rid, kind, blob, ref, wrapped in sealed
    }
    values = [
        {
            "kind": r.kind,
            "category": r.category,
            "purpose": r.purpose,
            "event_on": r.event_on,
            "kept": _kept_fields(payloads.get(r.id), rules[r.purpose].keep_when_anonymised),
            "anonymised_on": run.today,
            "run_id": run.id,
        }
        for r in rows
    ]
    session.connection().execute(insert(AnonymisedRecord.__table__), values)  # type: ignore[arg-type]
    return len(values)


def _open(
    keyring: Keyring,
    keys: dict[str, bytes | None],
    blob: bytes | None,
    ref: str,
    wrapped: bytes | None,
    kind: str,
) -> Any:
    """The record's payload, or None when its key is destroyed already (then nothing can be kept)."""
    if blob is None or wrapped is None:
        return None
    try:
        if ref not in keys:
            keys[ref] = keyring.unwrap(wrapped, ref)
        dek = keys[ref]
        return None if dek is None else open_json(dek, blob, aad_for(ref, kind))
    except Undecryptable:
        keys[ref] = None
        return None


def _delete_records(session: Session, ids: list[int], message_ids: set[int]) -> None:
    session.execute(delete(RecordHistory).where(RecordHistory.record_id.in_(ids)))
    session.execute(delete(Record).where(Record.id.in_(ids)))
    if message_ids:
        still_used = exists().where(Record.message_id == Message.id)
        session.execute(delete(Message).where(Message.id.in_(message_ids), ~still_used))


def _delete_empty_subjects(session: Session, subject_ids: list[int]) -> dict[int, str]:
    """Remove subjects with no record left, their key destroyed first; returns id -> ref."""
    has_records = exists().where(Record.subject_id == Subject.id)
    empty = dict(
        session.execute(
            select(Subject.id, Subject.ref).where(Subject.id.in_(subject_ids), ~has_records)
        ).all()
    )
    if not empty:
        return {}
    ids = list(empty)
    session.execute(
        update(SubjectKey)
        .where(SubjectKey.subject_id.in_(ids))
        .values(wrapped_key=None, destroyed_at=utcnow())
    )
    session.execute(delete(Identifier).where(Identifier.subject_id.in_(ids)))
    session.execute(update(Subject).where(Subject.owner_id.in_(ids)).values(owner_id=None))
    session.execute(delete(SubjectKey).where(SubjectKey.subject_id.in_(ids)))
    session.execute(delete(Subject).where(Subject.id.in_(ids)))
    return empty


def _audit_subjects(
    session: Session,
    run: RetentionRun,
    rows: Sequence[Any],
    refs: dict[int, str],
    deleted: dict[int, str],
    anonymised: set[int],
) -> None:
    per_subject: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        per_subject[r.subject_id].append(r.id)
    entries = []
    for subject_id, record_ids in sorted(per_subject.items()):
        gone = subject_id in deleted
        entries.append(
            audit.NewEntry(
                action=audit.Action.SUBJECT_DELETED if gone else audit.Action.RECORD_DELETED,
                actor=run.actor,
                target_type="subject",
                target_id=refs[subject_id],
                reason="retention period ended",
                details={
                    "run": run.id,
                    "records": record_ids[:100],
                    "anonymised": sum(1 for i in record_ids if i in anonymised),
                    "key_destroyed": gone,
                },
            )
        )
    audit.record_many(session, entries)


def _erase_batch(
    session: Session, run: RetentionRun, subject_ids: list[int], keyring: Keyring, register: Register
) -> None:
    rules = rules_by_purpose(register)
    rows = [r for r in _due_records(session, subject_ids, run.today) if r.purpose in rules]
    refs = dict(session.execute(select(Subject.id, Subject.ref).where(Subject.id.in_(subject_ids))).all())
    anonymised_rows = [r for r in rows if rules[r.purpose].at_expiry == ExpiryAction.ANONYMISE]
    run.records_anonymised += _anonymise(session, anonymised_rows, rules, keyring, run)
    _delete_records(session, [r.id for r in rows], {r.message_id for r in rows if r.message_id})
    deleted = _delete_empty_subjects(session, subject_ids)
    _audit_subjects(session, run, rows, refs, deleted, {r.id for r in anonymised_rows})
    run.records_deleted += len(rows) - len(anonymised_rows)
    run.subjects_deleted += len(deleted)
    run.last_subject_id = subject_ids[-1]
    session.flush()


def _finish(session: Session, run: RetentionRun) -> None:
    run.status, run.finished_at = "done", utcnow()
    session.execute(delete(RetentionQueue).where(RetentionQueue.run_id == run.id))
    audit.record(
        session,
        action=audit.Action.RETENTION_RUN,
        actor=run.actor,
        target_type="retention_run",
        target_id=run.id,
        details={
            "today": run.today.isoformat(),
            "register_version": run.register_version,
            "records_deleted": run.records_deleted,
            "records_anonymised": run.records_anonymised,
            "subjects_deleted": run.subjects_deleted,
            "records_held": run.records_held,
        },
    )


def _summary(run: RetentionRun, resumed: bool, visited: int) -> RunSummary:
    return RunSummary(
        run.id,
        run.today,
        resumed,
        visited,
        run.records_deleted,
        run.records_anonymised,
        run.subjects_deleted,
        run.records_held,
    )


def _subjects_done(session: Session, run: RetentionRun) -> int:
    query = select(func.count()).where(
        RetentionQueue.run_id == run.id, RetentionQueue.subject_id <= run.last_subject_id
    )
    return int(session.execute(query).scalar_one())


def run_retention(
    db: Database,
    *,
    keyring: Keyring,
    today: date,
    actor: str,
    batch: int = SUBJECTS_PER_TRANSACTION,
    progress: Progress | None = None,
) -> RunSummary:
    """Erase everything due on `today`, after finishing an interrupted run first (on its own day).
    Owns its transactions: one to open a run, one per batch of whole subjects, one to close it."""
    with db.session_scope() as session:
        run, resumed = open_run(session, today=today, actor=actor)
        run_id = run.id
    visited = 0
    while True:
        with db.session_scope() as session:
            run = session.get_one(RetentionRun, run_id)
            subject_ids = _next_subjects(session, run, batch)
            if not subject_ids:
                _finish(session, run)
                summary = _summary(run, resumed, visited)
                break
            _erase_batch(session, run, subject_ids, keyring, current_register(session)[1])
            visited += len(subject_ids)
            if progress:
                progress(_subjects_done(session, run), run.subjects_queued)
    if summary.today != today:  # an interrupted run of another day is finished: now today's
        return run_retention(db, keyring=keyring, today=today, actor=actor, batch=batch, progress=progress)
    return summary
