"""The personal-data store: subjects, their keys, identifiers (blind-indexed), records and messages.

Every record knows who it is about, which category it is, why it is held (a register purpose),
where it came from, and when its retention clock started and runs out.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class Subject(Base):
    """A person. `ref` is the pseudonymous id used in the audit log and URLs."""

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    subject_type: Mapped[str] = mapped_column(String(64), index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_contact_on: Mapped[date | None] = mapped_column(Date, default=None)
    relationship_ended_on: Mapped[date | None] = mapped_column(Date, default=None)
    restricted: Mapped[bool] = mapped_column(default=False)
    objected_marketing: Mapped[bool] = mapped_column(default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class SubjectKey(Base):
    """A subject's data key, wrapped by the master key. NULL once destroyed (crypto-shredding)."""

    __tablename__ = "subject_keys"

    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Identifier(Base):
    """A normalised identifier: found by its blind index, read only by decrypting."""

    __tablename__ = "identifiers"
    __table_args__ = (
        UniqueConstraint("subject_id", "kind", "blind_index", name="uq_identifiers_subject_kind_index"),
        Index("ix_identifiers_lookup", "kind", "blind_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by subject through the unique index, which leads with subject_id.
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    blind_index: Mapped[str] = mapped_column(String(64))
    value_enc: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Message(Base):
    """One piece of correspondence, stored once, sealed under its own key.

    Each subject it is about has a Record(kind='message') holding that key wrapped by their key.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    direction: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Record(Base):
    """A stored value about a subject, with its category, purpose, source and retention clock."""

    __tablename__ = "records"
    # By expiry date, with purpose and subject: a retention run's queue and `retention plan`'s counts
    # are read from the index alone.
    __table_args__ = (Index("ix_records_expiry", "expires_on", "purpose", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(32))
    source_ref: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_on: Mapped[date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    payload_enc: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), default=None, index=True
    )
    restricted: Mapped[bool] = mapped_column(default=False)
    restricted_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    # A keyed hash of (subject, kind, category, purpose, value): storing the same value twice is a no-op.
    # Looked up only with subject_id (re-import of the same value), which its index finds.
    fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)
    register_version: Mapped[int] = mapped_column(Integer)


class RecordHistory(Base):
    """The value a record had before a rectification (art. 16), sealed under the subject's key."""

    __tablename__ = "record_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    old_payload_enc: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    changed_fields: Mapped[str] = mapped_column(String(500))


class ImportBatch(Base):
    """One imported file: what it was (by hash, never by content), what it added, and its checkpoint."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    added: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint: Mapped[int] = mapped_column(Integer, default=0)
