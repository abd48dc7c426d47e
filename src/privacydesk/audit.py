"""The tamper-evident audit log: an append-only hash chain of who did what, when and why.

Each entry stores the SHA-256 of the previous entry and of its own canonical JSON, so changing,
removing or reordering any entry breaks every hash after it. Entries carry pseudonymous ids
(`subject:…`, `user:…`), never names, e-mail addresses or other personal data, so an erasure never
has to rewrite the log.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from sqlalchemy import String, and_, cast, func, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from privacydesk.store.base import utcnow
from privacydesk.store.models.core import AuditEntry

GENESIS = "0" * 64
_LOCK_NAME = "privacydesk.audit"


class Action(StrEnum):
    """Every kind of audited event: one closed list. Each member carries a one-line description."""

    description: str

    def __new__(cls, value: str, description: str) -> Action:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    # foundation
    DATABASE_INITIALISED = "database.initialised", "The database was created or migrated by init."
    REGISTER_LOADED = "register.loaded", "A register file was stored as a new register version."
    CONFIG_CHANGED = "config.changed", "A setting that changes behaviour was changed."
    USER_ADDED = "user.added", "A staff account was created."
    USER_CHANGED = "user.changed", "A staff account's role, password or state was changed."
    USER_DISABLED = "user.disabled", "A staff account was disabled."
    LOGIN_SUCCEEDED = "login.succeeded", "A member of staff logged in."
    LOGIN_FAILED = "login.failed", "A login attempt failed (wrong password or code)."
    ACCOUNT_LOCKED = "account.locked", "A staff account was locked after repeated failed logins."
    LOGOUT = "logout", "A member of staff logged out or the session expired."
    TOTP_ENROLLED = "totp.enrolled", "A staff account confirmed its two-factor authenticator."
    TOKEN_CREATED = "token.created", "An API token was issued."
    TOKEN_REVOKED = "token.revoked", "An API token was revoked."
    ACCESS_DENIED = "access.denied", "A logged-in user asked for something their role forbids."
    # statement
    STATEMENT_PUBLISHED = (
        "statement.published",
        "A new version of the privacy statement was published.",
    )
    # store
    SUBJECT_CREATED = "subject.created", "A subject (a person) was added to the store."
    SUBJECT_VIEWED = "subject.viewed", "Staff viewed a subject's personal data."
    SUBJECT_SEARCHED = "subject.searched", "Staff searched the store for a subject."
    SUBJECT_DELETED = "subject.deleted", "A subject and all that remained of them were removed."
    RECORD_CREATED = "record.created", "A record was stored for a subject."
    RECORD_RECTIFIED = (
        "record.rectified",
        "A record's value was corrected; the old value is kept in history.",
    )
    RECORD_DELETED = "record.deleted", "A record was deleted."
    RECORD_ANONYMISED = (
        "record.anonymised",
        "A record was stripped of the person, keeping statistics.",
    )
    RECORD_RESTRICTED = "record.restricted", "A record's use was restricted to a single purpose."
    KEY_DESTROYED = "key.destroyed", "A subject's data key was destroyed (crypto-shredding)."
    IMPORT_COMPLETED = "import.completed", "A file was imported into the store."
    IMPORT_FAILED = "import.failed", "An import was refused; nothing of the file was kept."
    SCAN_COMPLETED = "scan.completed", "A personal-data scan ran over files or the store."
    FINDING_RAISED = (
        "finding.raised",
        "Something the register does not allow was found (e.g. a BSN).",
    )
    FINDING_RESOLVED = "finding.resolved", "A finding was resolved by staff."
    EXPORT_CREATED = "export.created", "Personal data left the system as an export file."
    # requests
    REQUEST_RECEIVED = (
        "request.received",
        "A data-subject request arrived (portal, e-mail, staff, API).",
    )
    REQUEST_CONFIRMED = (
        "request.confirmed",
        "Staff confirmed a draft request recognised from e-mail.",
    )
    IDENTITY_CODE_SENT = (
        "identity.code_sent",
        "A one-time identity code was sent to a known address.",
    )
    IDENTITY_CODE_FAILED = (
        "identity.code_failed",
        "A wrong, expired or reused identity code was entered.",
    )
    IDENTITY_VERIFIED = "identity.verified", "A requester's identity was confirmed."
    IDENTITY_DOCUMENT_RECEIVED = (
        "identity.document_received",
        "An ID copy was accepted and stored encrypted.",
    )
    IDENTITY_DOCUMENT_REFUSED = (
        "identity.document_refused",
        "An ID copy was refused as still readable.",
    )
    IDENTITY_DOCUMENT_DELETED = (
        "identity.document_deleted",
        "An ID copy was deleted after the check.",
    )
    REQUEST_EXTENDED = "request.extended", "A request's legal term was extended, with a reason."
    REQUEST_PAUSED = "request.paused", "A request's clock paused while waiting for the requester."
    REQUEST_RESUMED = "request.resumed", "A request's clock resumed."
    REQUEST_FULFILLED = "request.fulfilled", "A request was carried out."
    REQUEST_REFUSED = "request.refused", "A request was refused, with reasons."
    REQUEST_CLOSED = "request.closed", "A request was closed."
    REQUEST_DOWNLOADED = "request.downloaded", "The requester downloaded their answer."
    DOWNLOAD_REFUSED = "download.refused", "A download link was used twice, late or forged."
    PROCESSOR_TASK_CREATED = (
        "processor_task.created",
        "A processor was asked to erase or correct data.",
    )
    PROCESSOR_TASK_DONE = "processor_task.done", "A processor confirmed an erasure or correction."
    LETTER_QUEUED = "letter.queued", "A letter was placed in the outbox."
    LETTER_SENT = "letter.sent", "A letter left the outbox."
    SUPPRESSION_ADDED = (
        "suppression.added",
        "A keyed hash was put on the marketing suppression list.",
    )
    # consent
    CONSENT_RECORDED = (
        "consent.recorded",
        "A consent event (given, refused, withdrawn, expired) was stored.",
    )
    OBJECTION_LIFTED = (
        "objection.lifted",
        "A marketing objection ended: the person gave explicit consent again (confirmed opt-in).",
    )
    NEWSLETTER_EXPORTED = "newsletter.exported", "A mailing list was exported for the mailing tool."
    COOKIES_SCANNED = "cookies.scanned", "The website was scanned for cookies and trackers."
    # retention
    RETENTION_PLANNED = "retention.planned", "A retention plan (dry run) was computed."
    RETENTION_RUN = "retention.run", "A retention run erased or anonymised expired records."
    RETENTION_ERASED = (
        "retention.erased",
        "A batch of a retention run erased expired records; its details name each subject and record.",
    )
    HOLD_PLACED = "hold.placed", "A legal hold was placed on a subject or record."
    HOLD_LIFTED = "hold.lifted", "A legal hold was lifted."
    # operations
    BACKUP_CREATED = "backup.created", "An encrypted backup was written."
    BACKUP_RESTORED = "backup.restored", "A backup was restored."
    AUDIT_VERIFIED = "audit.verified", "The audit chain was verified."
    CHECK_RUN = "check.run", "The compliance check compared reality with the statement."
    BREACH_RECORDED = "breach.recorded", "A data breach was entered in the breach register."
    BREACH_UPDATED = "breach.updated", "A breach record was updated or notified."
    REPORT_CREATED = "report.created", "A report (RoPA, yearly report) was generated."


def canonical_json(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }


def hash_entry(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical_json(entry_payload(entry))).hexdigest()


def _lock_chain(session: Session) -> None:
    # PostgreSQL: serialise appends across instances until this transaction ends. SQLite already
    # holds the write lock (BEGIN IMMEDIATE in store.db).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": _LOCK_NAME})


def record(
    session: Session,
    *,
    action: Action,
    actor: str,
    target_type: str | None = None,
    target_id: str | int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction (flushed, not committed)."""
    _lock_chain(session)
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        seq=(head.seq + 1) if head else 1,
        at=at or utcnow(),
        actor=actor,
        action=str(action),
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        reason=reason,
        details=details or {},
        prev_hash=head.entry_hash if head else GENESIS,
    )
    entry.entry_hash = hash_entry(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class NewEntry:
    """One entry for `record_many`: the same fields `record` takes."""

    action: Action
    actor: str
    target_type: str | None = None
    target_id: str | int | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None


def record_many(session: Session, entries: Sequence[NewEntry], *, at: datetime | None = None) -> int:
    """Append many entries in one statement (bulk work such as a retention run); the chain is the
    same as if `record` had been called for each. Returns the newest entry's number."""
    batch = chain(prepare(entries), *lock_head(session), at=at)
    append(session, batch)
    return batch.last_seq


def lock_head(session: Session) -> tuple[int, str]:
    """Take the chain for the rest of the transaction and return its head (number, hash), for
    `chain` and `append`: between the two, nothing else can append."""
    _lock_chain(session)
    return head(session)


class Prepared(NamedTuple):
    """An entry encoded without a session, so bulk work can do it beforehand (on another thread):
    its stored fields, and its canonical JSON around the three values only the chain knows."""

    fields: tuple[str, str, str | None, str | None, str | None, str]  # actor … details (JSON)
    before_at: str  # the pieces of `_pieces`
    before_prev: str
    before_seq: str
    after_seq: str


def prepare(entries: Iterable[NewEntry]) -> list[Prepared]:
    prepared = []
    for e in entries:
        target = None if e.target_id is None else str(e.target_id)
        fields = (e.actor, str(e.action), e.target_type, target, e.reason, _DETAILS.encode(e.details or {}))
        prepared.append(Prepared(fields, *_pieces(*fields)))
    return prepared


@dataclass(frozen=True)
class Chained:
    """Entries hashed onto a known head, ready for `append`."""

    rows: list[tuple[Any, ...]]
    when: datetime
    last_seq: int


def chain(entries: Sequence[Prepared], seq: int, prev: str, *, at: datetime | None = None) -> Chained:
    """Hash prepared entries onto the head (seq, prev) from `lock_head`."""
    when = (at or utcnow()).astimezone(UTC)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite format; hashed via the fast path
    at_iso, rows = _at_iso(stamp), []
    for e in entries:
        seq += 1
        canonical = f'{e.before_at}{at_iso}{e.before_prev}"{prev}"{e.before_seq}{seq}{e.after_seq}'
        entry_hash = hashlib.sha256(canonical.encode()).hexdigest()
        rows.append((seq, stamp, *e.fields, prev, entry_hash))
        prev = entry_hash
    return Chained(rows, when, seq)


def append(session: Session, batch: Chained) -> None:
    """Insert entries from `chain`, in the transaction that took `lock_head`."""
    if batch.rows:
        _insert_raw(session, batch.rows, batch.when)


def _insert_raw(session: Session, rows: list[tuple[Any, ...]], when: datetime) -> None:
    """One executemany through the driver: the ORM's per-row type handling costs 10x the hashing."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * 10)
    else:  # PostgreSQL takes the timestamp itself
        rows = [(r[0], when, *r[2:]) for r in rows]
        marks = ", ".join(["%s"] * 10)
    conn.exec_driver_sql(f"INSERT INTO audit_entries ({_COLUMNS}) VALUES ({marks})", rows)


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying the chain: `first_bad` names the first entry that does not hold."""

    entries: int
    head_hash: str
    first_bad: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad is None


# Verification reads raw column tuples (no ORM objects, no type processors) in large keyset
# batches and rebuilds each entry's canonical JSON by string concatenation, in the same key order
# json.dumps(sort_keys=True) uses. `canonical_json(entry_payload(e))` stays the definition;
# `tests/audit/test_canonical_fast_path.py` checks the two agree byte for byte.
_COLUMNS = "seq, at, actor, action, target_type, target_id, reason, details, prev_hash, entry_hash"
_DETAILS = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
VERIFY_BATCH = 50_000
# Chains longer than this are walked by several processes, one range each.
PARALLEL_SPAN = 500_000
PUBLIC_FIELDS = (
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "details",
    "entry_hash",
)


def _js(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _at_iso(value: str | datetime) -> str:
    if isinstance(value, str):  # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        return (
            f"{value[:10]}T{value[11:26]}+00:00"
            if len(value) == 26
            else _at_iso(datetime.fromisoformat(value))
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _details_json(value: str | dict[str, Any] | None) -> str:
    if value == "{}":
        return value
    return _DETAILS.encode(json.loads(value) if isinstance(value, str) else (value or {}))


def raw_canonical(row: Sequence[Any]) -> bytes:
    """The canonical JSON of an entry given as a raw row in `_COLUMNS` order."""
    seq, at, actor, action, target_type, target_id, reason, details, prev_hash = row[:9]
    return _canonical(
        int(seq),
        _at_iso(at),
        actor,
        action,
        target_type,
        target_id,
        reason,
        _details_json(details),
        prev_hash,
    )


def _canonical(
    seq: int,
    at_iso: str,
    actor: str,
    action: str,
    target_type: str | None,
    target_id: str | None,
    reason: str | None,
    details_json: str,
    prev_hash: str,
) -> bytes:
    before_at, before_prev, before_seq, after_seq = _pieces(
        actor, action, target_type, target_id, reason, details_json
    )
    return f"{before_at}{at_iso}{before_prev}{_js(prev_hash)}{before_seq}{seq}{after_seq}".encode()


def _pieces(
    actor: str,
    action: str,
    target_type: str | None,
    target_id: str | None,
    reason: str | None,
    details_json: str,
) -> tuple[str, str, str, str]:
    """The canonical JSON (keys sorted, as `canonical_json`) cut where the values only the chain
    knows go: the time (inside its quotes), the previous hash and the number."""
    return (
        f'{{"action":{_js(action)},"actor":{_js(actor)},"at":"',
        f'","details":{details_json},"prev_hash":',
        f',"reason":{_js(reason)},"seq":',
        f',"target_id":{_js(target_id)},"target_type":{_js(target_type)}}}',
    )


def _range_batches(dbapi_conn: Any, dialect: str, lo: int, hi: int, batch: int) -> Iterator[list[Any]]:
    """Raw rows with lo < seq <= hi, in keyset batches, straight from the driver's cursor."""
    pg = dialect == "postgresql"
    # PostgreSQL's driver would parse JSON into dicts; ask for the text, as SQLite gives it.
    columns = _COLUMNS.replace("details", "details::text") if pg else _COLUMNS
    ph = "%s" if pg else "?"
    sql = f"SELECT {columns} FROM audit_entries WHERE seq > {ph} AND seq <= {ph} ORDER BY seq LIMIT {batch}"
    cursor = dbapi_conn.cursor()
    last = lo
    try:
        while True:
            cursor.execute(sql, (last, hi))
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]
    finally:
        cursor.close()


@dataclass(frozen=True)
class _Segment:
    """What a walk over lo < seq <= hi found: enough to stitch it to its neighbours."""

    lo: int
    count: int
    first_prev: str | None
    last_hash: str | None
    failure: ChainReport | None


class _Walk:
    """The chain walker's state: what the next entry must look like (prev None: take it as given)."""

    def __init__(self, prev: str | None = GENESIS, expected: int = 1) -> None:
        self.prev, self.expected, self.count = prev, expected, 0
        self.first_prev: str | None = None

    def check(self, batch: Sequence[Sequence[Any]]) -> ChainReport | None:
        sha256 = hashlib.sha256
        if self.first_prev is None and batch:
            self.first_prev = batch[0][8]
            self.prev = self.prev if self.prev is not None else batch[0][8]
        prev, expected = self.prev, self.expected
        for i, row in enumerate(batch):
            if row[0] != expected or row[8] != prev or sha256(raw_canonical(row)).hexdigest() != row[9]:
                self.count += i
                return _diagnose(row, expected, prev or GENESIS, batch[i + 1 :], self.count)
            prev, expected = row[9], expected + 1
        self.prev, self.expected, self.count = prev, expected, self.count + len(batch)
        return None


def _diagnose(
    row: Sequence[Any], expected: int, prev: str, later: Sequence[Sequence[Any]], count: int
) -> ChainReport:
    """Name the first entry that does not hold, and say whether it was removed, moved or altered."""
    if row[0] != expected:
        return ChainReport(count, prev, expected, f"entry {expected} was removed (the next is {row[0]})")
    if any(other[9] == row[8] for other in later):
        return ChainReport(count, prev, expected, "entries were reordered: this one belongs further on")
    if hashlib.sha256(raw_canonical(row)).hexdigest() != row[9]:
        return ChainReport(count, prev, expected, "its content was altered")
    return ChainReport(
        count,
        prev,
        expected,
        f"it does not follow entry {expected - 1}: that entry was rewritten, or this one was moved",
    )


def _walk_range(dbapi_conn: Any, dialect: str, lo: int, hi: int, batch: int) -> _Segment:
    walk = _Walk(prev=GENESIS if lo == 0 else None, expected=lo + 1)
    for rows in _range_batches(dbapi_conn, dialect, lo, hi, batch):
        failure = walk.check(rows)
        if failure is not None:
            return _Segment(lo, walk.count, walk.first_prev, None, failure)
    if walk.expected <= hi:  # the range's last entries are gone
        gone = ChainReport(
            walk.count, walk.prev or GENESIS, walk.expected, f"entry {walk.expected} was removed"
        )
        return _Segment(lo, walk.count, walk.first_prev, None, gone)
    return _Segment(lo, walk.count, walk.first_prev, walk.prev, None)


def _walk_range_in_worker(url: str, lo: int, hi: int, batch: int) -> _Segment:
    """A worker process walks one range over its own connection (readers never block writers)."""
    from privacydesk.store.db import make_engine

    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return _walk_range(conn.connection.driver_connection, engine.dialect.name, lo, hi, batch)
    finally:
        engine.dispose()


def _stitch(segments: Iterable[_Segment]) -> ChainReport:
    """Join the segments in order: each must start where the one before it ended."""
    prev, total = GENESIS, 0
    for seg in segments:
        broken_join = seg.first_prev is not None and seg.first_prev != prev
        f = seg.failure
        if f is not None and (not broken_join or f.first_bad == seg.lo + 1):
            return ChainReport(total + f.entries, f.head_hash, f.first_bad, f.problem)
        if broken_join:
            problem = f"it does not follow entry {seg.lo}: that entry was rewritten, or this one was moved"
            return ChainReport(total, prev, seg.lo + 1, problem)
        prev, total = seg.last_hash or prev, total + seg.count
    return ChainReport(total, prev)


def _segments(session: Session, top: int, batch: int, workers: int) -> list[_Segment]:
    span = max(PARALLEL_SPAN, -(-top // max(1, workers * 4)))
    bounds = [(lo, min(lo + span, top)) for lo in range(0, top, span)]
    conn = session.connection()
    if len(bounds) == 1 or workers <= 1:
        dbapi = conn.connection.driver_connection
        return [_walk_range(dbapi, conn.dialect.name, lo, hi, batch) for lo, hi in bounds]
    url = conn.engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_walk_range_in_worker, url, lo, hi, batch) for lo, hi in bounds]
        return [f.result() for f in futures]


def verify_chain(
    session: Session, *, anchor: str | None = None, batch: int = VERIFY_BATCH, workers: int | None = None
) -> ChainReport:
    """Walk the whole chain in order; report the first entry altered, removed or reordered.

    Long chains are cut into ranges walked by `workers` processes (default: the CPU count) and
    stitched in order. With `anchor` (a head hash kept outside the system, see `audit anchor`), a
    chain whose newest entries were cut off is refused too: the anchored entry must still be there.
    """
    top = int(session.execute(select(func.coalesce(func.max(AuditEntry.seq), 0))).scalar_one())
    report = _stitch(_segments(session, top, batch, workers or os.cpu_count() or 1))
    if report.ok and anchor is not None and not _holds_hash(session, anchor):
        return ChainReport(
            report.entries, report.head_hash, top + 1, f"the anchored head {anchor} is no longer in the chain"
        )
    return report


def _holds_hash(session: Session, entry_hash: str) -> bool:
    found = session.execute(select(AuditEntry.seq).where(AuditEntry.entry_hash == entry_hash)).first()
    return found is not None


def verify_entries(entries: Iterable[AuditEntry]) -> ChainReport:
    """Verify ORM entries (small chains, tests): the same walk as `verify_chain`."""
    rows = [
        (*(getattr(e, c) for c in _COLUMNS.split(", ")[:7]), e.details, e.prev_hash, e.entry_hash)
        for e in entries
    ]
    walk = _Walk()
    return walk.check(rows) or ChainReport(walk.count, walk.prev or GENESIS)


def about_subject(ref: str) -> Any:
    """Entries about the subject `ref`: those that name it as their target, and the retention
    batches that list it in their details (a run writes one entry per batch, not per subject)."""
    in_batch = cast(AuditEntry.details, String).contains(f'"{ref}"', autoescape=True)
    return or_(
        and_(AuditEntry.target_type == "subject", AuditEntry.target_id == ref),
        and_(AuditEntry.action == Action.RETENTION_ERASED.value, in_batch),
    )


def search_audit(
    session: Session,
    *,
    action: str | None = None,
    actor: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditEntry]:
    """Entries newest first, filtered; `target` is 'type:id' (e.g. 'subject:3f2a…') or a bare id."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if target:
        kind, sep, ident = target.partition(":")
        if kind == "subject" and sep:
            query = query.where(about_subject(ident))
        else:
            query = query.where(AuditEntry.target_id == (ident if sep else kind))
            if sep:
                query = query.where(AuditEntry.target_type == kind)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return list(session.execute(query.limit(max(1, min(limit, 1000))).offset(max(0, offset))).scalars())


def head(session: Session) -> tuple[int, str]:
    """The newest entry's number and hash: the value to keep outside the system (`audit anchor`)."""
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.entry_hash) if row else (0, GENESIS)


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())
