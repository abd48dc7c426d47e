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

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import Refused
from privacydesk.register.model import ExpiryAction, Register
from privacydesk.register.service import current_register
from privacydesk.retention.expiry import _recompute, apply_register_rules
from privacydesk.retention.holds import active_hold_filter
from privacydesk.retention.rules import rules_by_purpose
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, Undecryptable, open_json
from privacydesk.store.db import Database, among
from privacydesk.store.models.retention import AnonymisedRecord, LegalHold, RetentionQueue, RetentionRun
from privacydesk.store.models.subjects import (
    Identifier,
    Message,
    Record,
    Subject,
    SubjectKey,
)
from privacydesk.subjects import aad_for

SUBJECTS_PER_TRANSACTION = 5_000
Bounds = tuple[int, int]
Rows = Sequence[Any]
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


def _next_batch(session: Session, run: RetentionRun, size: int) -> Bounds | None:
    """The next `size` queued subjects after the checkpoint, as the id range (first, last] that
    holds them, or None when the queue is done. Every statement of the batch names its subjects
    by this range (and the queue), which walks the subject_id index with no list of ids to bind."""
    after = (RetentionQueue.run_id == run.id) & (RetentionQueue.subject_id > run.last_subject_id)
    last = session.execute(
        select(RetentionQueue.subject_id)
        .where(after)
        .order_by(RetentionQueue.subject_id)
        .offset(size - 1)
        .limit(1)
    ).scalar()
    if last is None:
        last = session.execute(select(func.max(RetentionQueue.subject_id)).where(after)).scalar()
    return None if last is None else (run.last_subject_id, last)


def _in_batch(column: Any, run: RetentionRun, bounds: Bounds) -> Any:
    first, last = bounds
    queued = select(RetentionQueue.subject_id).where(
        RetentionQueue.run_id == run.id, RetentionQueue.subject_id > first, RetentionQueue.subject_id <= last
    )
    return (column > first) & (column <= last) & column.in_(queued)


def _due_records(session: Session, run: RetentionRun, bounds: Bounds) -> Sequence[Any]:
    query = select(
        Record.id,
        Record.subject_id,
        Record.purpose,
        Record.kind,
        Record.category,
        Record.event_on,
        Record.message_id,
    ).where(
        _in_batch(Record.subject_id, run, bounds),
        _due(run.today),
        Record.id.not_in(_held_records(run.today)),
    )
    return session.connection().execute(query).all()


def _kept_fields(payload: Any, keep: list[str]) -> dict[str, Any]:
    return {k: payload[k] for k in keep if isinstance(payload, dict) and k in payload}


def _anonymise(
    session: Session, rows: Sequence[Any], rules: dict[str, Any], keyring: Keyring, run: RetentionRun
) -> int:
    """Copy the kept fields of records to anonymise into `anonymised_records` (no subject, no key)."""
    if not rows:
        return 0
    sealed = (
        session.connection()
        .execute(
            select(Record.id, Record.kind, Record.payload_enc, Subject.ref, SubjectKey.wrapped_key)
            .join(Subject, Subject.id == Record.subject_id)
            .outerjoin(SubjectKey, SubjectKey.subject_id == Record.subject_id)
            .where(among(session, Record.id, [r.id for r in rows]))
        )
        .all()
    )
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


def _write(session: Session, statement: Any) -> None:
    """A set-based UPDATE or DELETE in SQL alone: the session holds none of these rows' objects."""
    session.connection().execute(statement)


def _delete_records(session: Session, ids: list[int], message_ids: set[int]) -> None:
    # record_history goes with its record (ON DELETE CASCADE), in the same index seek.
    _write(session, delete(Record).where(among(session, Record.id, ids)))
    if message_ids:
        still_used = exists().where(Record.message_id == Message.id)
        _write(session, delete(Message).where(among(session, Message.id, sorted(message_ids)), ~still_used))


def _emptied(
    session: Session, run: RetentionRun, bounds: Bounds, refs: dict[int, str], rows: Rows
) -> set[int]:
    """The batch's subjects that have no record left once `rows` are gone."""
    due = Counter(r.subject_id for r in rows)
    counts = (
        select(Record.subject_id, func.count())
        .where(_in_batch(Record.subject_id, run, bounds))
        .group_by(Record.subject_id)
    )
    totals: dict[int, int] = dict(session.connection().execute(counts).all())
    return {subject_id for subject_id in refs if totals.get(subject_id, 0) == due[subject_id]}


def _delete_subjects(session: Session, ids: list[int]) -> None:
    """Remove subjects whose records are gone, their data key destroyed first."""
    if not ids:
        return
    _write(
        session,
        update(SubjectKey)
        .where(among(session, SubjectKey.subject_id, ids))
        .values(wrapped_key=None, destroyed_at=utcnow()),
    )
    _write(session, delete(Identifier).where(among(session, Identifier.subject_id, ids)))
    _write(session, update(Subject).where(among(session, Subject.owner_id, ids)).values(owner_id=None))
    _write(session, delete(SubjectKey).where(among(session, SubjectKey.subject_id, ids)))
    has_records = exists().where(Record.subject_id == Subject.id)
    gone = session.connection().execute(delete(Subject).where(among(session, Subject.id, ids), ~has_records))
    if gone.rowcount != len(ids):  # a record was added meanwhile: undo the batch, the rerun sees it
        raise Refused(
            "a subject received new data while the retention run erased it",
            hint="run `privacydesk retention run` again: it resumes where it stopped",
        )


def _audit_trail(
    head: tuple[int, str],
    run: tuple[int, str],
    rows: Rows,
    refs: dict[int, str],
    emptied: set[int],
    anonymised: set[int],
) -> audit.Chained:
    """One entry per subject (the erasure log and a subject's own history are read from these),
    hashed onto `head`. Touches no session or ORM object: it runs on the helper thread."""
    run_id, actor = run
    records: dict[int, list[int]] = defaultdict(list)
    kept: Counter[int] = Counter()
    for r in rows:
        records[r.subject_id].append(r.id)
        if r.id in anonymised:
            kept[r.subject_id] += 1
    for subject_id in emptied:  # a queued subject with nothing left to erase is still removed
        records.setdefault(subject_id, [])
    entries = (
        audit.NewEntry(
            action=audit.Action.SUBJECT_DELETED if subject_id in emptied else audit.Action.RECORD_DELETED,
            actor=actor,
            target_type="subject",
            target_id=refs[subject_id],
            reason="retention period ended",
            details={
                "run": run_id,
                "records": ids[:100],
                "anonymised": kept[subject_id],
                "key_destroyed": subject_id in emptied,
            },
        )
        for subject_id, ids in sorted(records.items())
    )
    return audit.chain(entries, *head)


def _erase_batch(
    session: Session,
    run: RetentionRun,
    bounds: Bounds,
    keyring: Keyring,
    rules: dict[str, Any],
    helper: Executor,
) -> int:
    """Erase the batch's due records and emptied subjects; returns how many subjects it visited.
    The audit entries are hashed on the helper thread while the deletes run (SQLite and psycopg
    release the GIL while a statement runs)."""
    rows = [r for r in _due_records(session, run, bounds) if r.purpose in rules]
    subjects = select(Subject.id, Subject.ref).where(_in_batch(Subject.id, run, bounds))
    refs: dict[int, str] = dict(session.connection().execute(subjects).all())
    anonymised = [r for r in rows if rules[r.purpose].at_expiry == ExpiryAction.ANONYMISE]
    emptied = _emptied(session, run, bounds, refs, rows)
    run.records_anonymised += _anonymise(session, anonymised, rules, keyring, run)
    head, kept = audit.lock_head(session), {r.id for r in anonymised}
    trail = helper.submit(_audit_trail, head, (run.id, run.actor), rows, refs, emptied, kept)
    _delete_records(session, [r.id for r in rows], {r.message_id for r in rows if r.message_id})
    _delete_subjects(session, sorted(emptied))
    audit.append(session, trail.result())
    run.records_deleted += len(rows) - len(anonymised)
    run.subjects_deleted += len(emptied)
    run.last_subject_id = bounds[1]
    session.flush()
    return len(refs)


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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A run makes millions of short-lived rows and tuples and no reference cycles; Python's cycle
    collector would walk them again and again (a tenth of the run's time), so it waits until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    rules: dict[str, Any] | None = None
    with (
        _collector_paused(),
        ThreadPoolExecutor(1, thread_name_prefix="retention-audit") as helper,
        db.bulk_writer() as bulk,
    ):
        while True:
            with bulk.session_scope() as session:
                run = session.get_one(RetentionRun, run_id)
                bounds = _next_batch(session, run, batch)
                if bounds is None:
                    _finish(session, run)
                    summary = _summary(run, resumed, visited)
                    break
                if rules is None:  # the register of the run's first batch holds for the whole run
                    rules = rules_by_purpose(current_register(session)[1])
                visited += _erase_batch(session, run, bounds, keyring, rules, helper)
                if progress:
                    progress(_subjects_done(session, run), run.subjects_queued)
    if summary.today != today:  # an interrupted run of another day is finished: now today's
        return run_retention(db, keyring=keyring, today=today, actor=actor, batch=batch, progress=progress)
    return summary
