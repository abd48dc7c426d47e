"""Consent tables: the append-only consent ledger and the marketing suppression list.

A person's (or a visitor's) current consent is never stored: it is derived from the newest event
per purpose (see consent.ledger). The suppression list holds keyed hashes of e-mail addresses only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class ConsentEvent(Base):
    """One consent decision: given, refused, withdrawn or expired, with its proof (append-only)."""

    __tablename__ = "consent_events"
    __table_args__ = (
        Index("ix_consent_events_subject_purpose", "subject_id", "purpose"),
        Index("ix_consent_events_visitor_purpose", "visitor_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject_id: Mapped[str | None] = mapped_column(String(64), default=None)
    visitor_id: Mapped[str | None] = mapped_column(String(64), default=None)
    purpose: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(16))
    ground: Mapped[str] = mapped_column(String(32), default="consent")
    channel: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    register_version: Mapped[int | None] = mapped_column(Integer, default=None)
    consent_revision: Mapped[int] = mapped_column(Integer)
    notice_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip_prefix: Mapped[str | None] = mapped_column(String(45), default=None)
    actor: Mapped[str] = mapped_column(String(100))


class SuppressionEntry(Base):
    """An address that must never receive marketing again, kept only as a keyed hash."""

    __tablename__ = "consent_suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
