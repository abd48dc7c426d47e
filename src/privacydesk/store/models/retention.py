"""Retention tables: legal holds, retention runs (with their work queue, for resuming), anonymised rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class LegalHold(Base):
    """A hold on a subject or one record: while active, retention and erasure requests leave it alone.

    `target` keeps 'subject:<ref>' or 'record:<id>' so the hold's history stays readable after the
    data itself is gone (the foreign keys then become NULL).
    """

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_active", "lifted_at", "subject_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), default=None, index=True
    )
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("records.id", ondelete="SET NULL"), default=None, index=True
    )
    target: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    lifted_by: Mapped[str | None] = mapped_column(String(100), default=None)
    lift_reason: Mapped[str | None] = mapped_column(String(500), default=None)


class RetentionRun(Base):
    """One `retention run`: its day, its progress (the last subject done) and its totals."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    today: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    actor: Mapped[str] = mapped_column(String(100))
    register_version: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    subjects_queued: Mapped[int] = mapped_column(Integer, default=0)
    last_subject_id: Mapped[int] = mapped_column(Integer, default=0)
    records_deleted: Mapped[int] = mapped_column(Integer, default=0)
    records_anonymised: Mapped[int] = mapped_column(Integer, default=0)
    subjects_deleted: Mapped[int] = mapped_column(Integer, default=0)
    records_held: Mapped[int] = mapped_column(Integer, default=0)


class RetentionQueue(Base):
    """The subjects a run still has to visit; filled once at the start, so a resumed run does the same."""

    __tablename__ = "retention_queue"

    run_id: Mapped[int] = mapped_column(ForeignKey("retention_runs.id", ondelete="CASCADE"), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class AnonymisedRecord(Base):
    """What is left of a record the register says to anonymise: the kept fields, no person, no key."""

    __tablename__ = "anonymised_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(64), index=True)
    event_on: Mapped[date | None] = mapped_column(Date, default=None)
    kept: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    anonymised_on: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(Integer, default=None)


class RetentionState(Base):
    """Which register version's rules the stored expiry dates follow (one row)."""

    __tablename__ = "retention_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    register_version: Mapped[int] = mapped_column(Integer, default=0)
