"""One batch of a retention run: whole subjects, first read, then erased.

`read_batch` gathers everything the batch needs and writes nothing: the due records, the subjects'
pseudonymous refs, which subjects will have nothing left, the kept fields of the records to
anonymise (decrypted here) and the audit entries. `write_batch` then erases it inside the caller's
write transaction. Because reading writes nothing, a run on SQLite can read batch N+1 on another
thread and connection while it writes batch N (see `run.py` for when such a read is still true).

A batch names its subjects by the id range (first, last] of the run's queue, so every statement
walks the subject_id index, and names records by ids bound as one value (`among`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import Refused
from privacydesk.register.model import ExpiryAction
from privacydesk.retention.holds import active_hold_filter
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, Undecryptable, open_json
from privacydesk.store.db import among
from privacydesk.store.models.retention import AnonymisedRecord, LegalHold, RetentionQueue
from privacydesk.store.models.subjects import Identifier, Message, Record, Subject, SubjectKey
from privacydesk.subjects import aad_for

Bounds = tuple[int, int]


@dataclass(frozen=True)
class RunInfo:
    """What a batch needs of its run (plain values: a batch may be read on another thread)."""

    id: int
    today: date
    actor: str


@dataclass(frozen=True)
class Batch:
    bounds: Bounds
    records: list[int]
    messages: list[int]  # messages of those records, removed when no other record uses them
    subjects: int  # how many queued subjects the range holds
    emptied: list[int]  # subjects with nothing left afterwards: removed, key destroyed
    anonymised: list[dict[str, Any]]  # rows for anonymised_records
    entries: list[audit.Prepared]  # one for the batch (none when it erases nothing)


def held_subjects(today: date) -> Any:
    return select(LegalHold.subject_id).where(active_hold_filter(today), LegalHold.subject_id.is_not(None))


def held_records(today: date) -> Any:
    return select(LegalHold.record_id).where(active_hold_filter(today), LegalHold.record_id.is_not(None))


def due(today: date) -> Any:
    return (Record.expires_on <= today) & Record.subject_id.not_in(held_subjects(today))


def next_bounds(session: Session, run_id: int, after: int, size: int) -> Bounds | None:
    """The id range (after, last] holding the next `size` queued subjects, or None when done."""
    queued = (RetentionQueue.run_id == run_id) & (RetentionQueue.subject_id > after)
    nth = select(RetentionQueue.subject_id).where(queued).order_by(RetentionQueue.subject_id)
    last = session.execute(nth.offset(size - 1).limit(1)).scalar()
    if last is None:
        last = session.execute(select(func.max(RetentionQueue.subject_id)).where(queued)).scalar()
    return None if last is None else (after, last)


def _in_batch(column: Any, run_id: int, bounds: Bounds) -> Any:
    first, last = bounds
    queued = select(RetentionQueue.subject_id).where(
        RetentionQueue.run_id == run_id, RetentionQueue.subject_id > first, RetentionQueue.subject_id <= last
    )
    return (column > first) & (column <= last) & column.in_(queued)


def read_batch(
    session: Session, run: RunInfo, bounds: Bounds, keyring: Keyring, rules: dict[str, Any]
) -> Batch:
    conn = session.connection()
    due_rows = select(Record.id, Record.subject_id, Record.purpose, Record.message_id).where(
        _in_batch(Record.subject_id, run.id, bounds),
        due(run.today),
        Record.id.not_in(held_records(run.today)),
    )
    # Rows of (id, subject_id, purpose, message_id), read by position below
    rows: list[Any] = [r for r in conn.execute(due_rows).all() if r[2] in rules]
    refs: dict[int, str] = dict(
        conn.execute(select(Subject.id, Subject.ref).where(_in_batch(Subject.id, run.id, bounds))).all()
    )
    totals: dict[int, int] = dict(
        conn.execute(
            select(Record.subject_id, func.count())
            .where(_in_batch(Record.subject_id, run.id, bounds))
            .group_by(Record.subject_id)
        ).all()
    )
    per_subject = Counter(r[1] for r in rows)
    emptied = {s for s in refs if totals.get(s, 0) == per_subject[s]}
    to_anonymise = [r[0] for r in rows if rules[r[2]].at_expiry == ExpiryAction.ANONYMISE]
    return Batch(
        bounds=bounds,
        records=[r[0] for r in rows],
        messages=sorted({r[3] for r in rows if r[3]}),
        subjects=len(refs),
        emptied=sorted(emptied),
        anonymised=_anonymised_rows(session, run, to_anonymise, rules, keyring),
        entries=_audit_entry(run, rows, refs, emptied, set(to_anonymise)),
    )


def _anonymised_rows(
    session: Session, run: RunInfo, ids: list[int], rules: dict[str, Any], keyring: Keyring
) -> list[dict[str, Any]]:
    """The kept fields of records to anonymise, as rows for `anonymised_records` (no subject, no key)."""
    if not ids:
        return []
    sealed = session.connection().execute(
        select(
            Record.kind,
            Record.category,
            Record.purpose,
            Record.event_on,
            Record.payload_enc,
            Subject.ref,
            SubjectKey.wrapped_key,
        )
        .join(Subject, Subject.id == Record.subject_id)
        .outerjoin(SubjectKey, SubjectKey.subject_id == Record.subject_id)
        .where(among(session, Record.id, ids))
    )
    keys: dict[str, bytes | None] = {}
    return [
        {
            "kind": kind,
            "category": category,
            "purpose": purpose,
            "event_on": event_on,
            "kept": _kept(
                _open(keyring, keys, blob, ref, wrapped, kind), rules[purpose].keep_when_anonymised
            ),
            "anonymised_on": run.today,
            "run_id": run.id,
        }
        for kind, category, purpose, event_on, blob, ref, wrapped in sealed
    ]


def _kept(payload: Any, keep: list[str]) -> dict[str, Any]:
    return {k: payload[k] for k in keep if isinstance(payload, dict) and k in payload}


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


def _audit_entry(
    run: RunInfo, rows: Sequence[Any], refs: dict[int, str], emptied: set[int], anonymised: set[int]
) -> list[audit.Prepared]:
    """One entry for the batch, naming each subject by its pseudonymous ref: the records erased
    (at most 100 listed), how many of them were anonymised, and which subjects were removed with
    their key. `audit.about_subject` and the erasure log read a subject's part from it."""
    records: dict[str, list[int]] = defaultdict(list)
    kept: Counter[str] = Counter()
    for record_id, subject_id, *_ in rows:
        ref = refs[subject_id]
        records[ref].append(record_id)
        if record_id in anonymised:
            kept[ref] += 1
    removed = sorted(refs[s] for s in emptied)
    for ref in removed:  # a queued subject with nothing left to erase is still removed
        records.setdefault(ref, [])
    entry = audit.NewEntry(
        action=audit.Action.RETENTION_ERASED,
        actor=run.actor,
        target_type="retention_run",
        target_id=run.id,
        reason="retention period ended",
        details={
            "run": run.id,
            "records": {ref: ids[:100] for ref, ids in records.items()},
            "anonymised": dict(kept),
            "removed": removed,
        },
    )
    return audit.prepare([entry]) if records else []


def _write(session: Session, statement: Any) -> Any:
    """A set-based statement in SQL alone: the session holds none of these rows' objects."""
    return session.connection().execute(statement)


def write_batch(session: Session, batch: Batch) -> None:
    """Erase what `batch` read, in the caller's write transaction, with its audit entries."""
    if batch.anonymised:
        session.connection().execute(insert(AnonymisedRecord.__table__), batch.anonymised)  # type: ignore[arg-type]
    # record_history goes with its record (ON DELETE CASCADE), in the same index seek.
    _write(session, delete(Record).where(among(session, Record.id, batch.records)))
    if batch.messages:
        still_used = exists().where(Record.message_id == Message.id)
        _write(session, delete(Message).where(among(session, Message.id, batch.messages), ~still_used))
    _delete_subjects(session, batch.emptied)
    if batch.entries:
        audit.append(session, audit.chain(batch.entries, *audit.lock_head(session)))


def _delete_subjects(session: Session, ids: list[int]) -> None:
    """Remove subjects whose records are gone, their data key destroyed first."""
    if not ids:
        return
    keys = among(session, SubjectKey.subject_id, ids)
    _write(session, update(SubjectKey).where(keys).values(wrapped_key=None, destroyed_at=utcnow()))
    _write(session, delete(Identifier).where(among(session, Identifier.subject_id, ids)))
    _write(session, update(Subject).where(among(session, Subject.owner_id, ids)).values(owner_id=None))
    _write(session, delete(SubjectKey).where(keys))
    has_records = exists().where(Record.subject_id == Subject.id)
    gone = _write(session, delete(Subject).where(among(session, Subject.id, ids), ~has_records))
    if gone.rowcount != len(ids):  # a record was added meanwhile: undo the batch, the rerun sees it
        raise Refused(
            "a subject received new data while the retention run erased it",
            hint="run `privacydesk retention run` again: it resumes where it stopped",
        )
