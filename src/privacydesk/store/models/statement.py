"""Published versions of the privacy statement: what was promised, from when, in which words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class StatementVersion(Base):
    """One published statement, append-only: its renderings per language are kept as published.

    `consent_revision` rises when a version makes a material change (a new purpose, recipient or
    cookie that needs consent), so that visitors and subscribers can be asked again.
    """

    __tablename__ = "statement_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    effective_date: Mapped[date] = mapped_column(Date)
    register_version_id: Mapped[int] = mapped_column(ForeignKey("register_versions.id"))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    consent_revision: Mapped[int] = mapped_column(Integer)
    material_changes: Mapped[list[str]] = mapped_column(JSON, default=list)
    renderings: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(255))
