"""Fulfilment tables: processor erasure tasks, single-use download links, per-purpose blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class ProcessorTask(Base):
    """A request to a processor to erase (or correct) a person's data (GDPR art. 19 and 28(3)(e)).

    `body` is an OpenDSR request; it names the person only by hashed identifiers.
    """

    __tablename__ = "processor_tasks"
    __table_args__ = (Index("ix_processor_tasks_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_key: Mapped[str] = mapped_column(String(64))
    subject_ref: Mapped[str] = mapped_column(String(32), index=True)
    request_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    task_type: Mapped[str] = mapped_column(String(16), default="erasure")
    status: Mapped[str] = mapped_column(String(8), default="open")
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    done_by: Mapped[str | None] = mapped_column(String(100), default=None)


class Download(Base):
    """A single-use, expiring link to a file. Only the SHA-256 of the token is stored."""

    __tablename__ = "downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PurposeBlock(Base):
    """A purpose a subject's data may no longer be used for: an objection (art. 21) or a
    restriction of one purpose (art. 18). `may_use` checks these."""

    __tablename__ = "purpose_blocks"
    __table_args__ = (Index("ix_purpose_blocks_subject_purpose", "subject_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
