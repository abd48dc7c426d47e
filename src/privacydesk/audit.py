"""The tamper-evident audit log: an append-only hash chain of who did what, when and why.

Each entry stores the SHA-256 of the previous entry and of its own canonical JSON, so changing,
removing or reordering any entry breaks every hash after it. Entries carry pseudonymous ids
(`subject:…`, `user:…`), never names, e-mail addresses or other personal data, so an erasure never
has to rewrite the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

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
    NEWSLETTER_EXPORTED = "newsletter.exported", "A mailing list was exported for the mailing tool."
    COOKIES_SCANNED = "cookies.scanned", "The website was scanned for cookies and trackers."
    # retention
    RETENTION_PLANNED = "retention.planned", "A retention plan (dry run) was computed."
    RETENTION_RUN = "retention.run", "A retention run erased or anonymised expired records."
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
class ChainReport:
    """The result of verifying the chain: `first_bad` names the first entry that does not hold."""

    entries: int
    head_hash: str
    first_bad: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad is None


def _iter_entries(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify_entries(entries: Iterable[AuditEntry]) -> ChainReport:
    """Walk the chain in order; report the first entry altered, removed or reordered."""
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, prev, entry.seq, f"entry {expected_seq} is missing or moved")
        if entry.prev_hash != prev:
            return ChainReport(count, prev, entry.seq, "does not follow the entry before it")
        if hash_entry(entry) != entry.entry_hash:
            return ChainReport(count, prev, entry.seq, "its content was altered")
        prev, expected_seq = entry.entry_hash, expected_seq + 1
    return ChainReport(count, prev)


def verify_chain(session: Session) -> ChainReport:
    return verify_entries(_iter_entries(session))


def head(session: Session) -> tuple[int, str]:
    """The newest entry's number and hash: the value to keep outside the system (`audit anchor`)."""
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.entry_hash) if row else (0, GENESIS)


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())
