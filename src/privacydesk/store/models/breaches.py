"""The breach register (GDPR art. 33(5)): every breach, notified or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class Breach(Base):
    """One personal-data breach. Holds no personal data: affected people are linked by id."""

    __tablename__ = "breaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    aware_at: Mapped[datetime] = mapped_column(UTCDateTime)
    nature: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    people_count: Mapped[int] = mapped_column(Integer, default=0)
    records_count: Mapped[int] = mapped_column(Integer, default=0)
    encrypted: Mapped[bool] = mapped_column(default=False)
    consequences: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ap_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ap_reference: Mapped[str | None] = mapped_column(String(100), default=None)
    people_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class BreachSubject(Base):
    """A person affected by a breach (so the count and the letters come from the store)."""

    __tablename__ = "breach_subjects"

    breach_id: Mapped[int] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), primary_key=True)
    # Indexed on its own too: the primary key leads with the breach, and removing a subject looks here.
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
