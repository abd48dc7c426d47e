"""Findings: personal data found where the register does not allow it, kept as flags to resolve.

A finding names what was found (its kind), where (source and location), and which subject it is
about by pseudonymous ref — never the value itself. It refers to other tables by id only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class Finding(Base):
    """One flag raised by the scanner, open until staff resolve it."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A keyed hash of (source, location, kind, value): scanning the same place again raises nothing new.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(500))
    location: Mapped[str] = mapped_column(String(100))
    subject_ref: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    message_id: Mapped[int | None] = mapped_column(default=None, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    raised_by: Mapped[str] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(100), default=None)
    resolution: Mapped[str | None] = mapped_column(String(500), default=None)
