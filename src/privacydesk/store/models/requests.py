"""Tables for data-subject requests and the outbox of letters.

`request_steps` is append-only: it is the proof of what happened to a request and when. Identity
codes are stored as keyed hashes only; ID copies and requester contact details are sealed under
the request's own key. (Download links live with the fulfilment tables.)
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from privacydesk.store.base import Base, UTCDateTime, utcnow


class OutboxMessage(Base):
    """One e-mail waiting to be sent, being sent or sent. `key` makes queueing idempotent."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text, default=None)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claim_token: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubjectRequest(Base):
    """One data-subject request. `ref` (128 random bits) is the only id shown outside.

    The requester's own words and contact details are sealed under the request's own data key
    (`wrapped_key`), so destroying that key shreds them; `email_index` is a blind index for
    rate limits and matching.
    """

    __tablename__ = "subject_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    kinds: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2), default="nl")
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), default=None, index=True
    )
    matches: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_on: Mapped[date] = mapped_column(Date)
    answer_term: Mapped[str] = mapped_column(String(16), default="P4W")
    extension_months: Mapped[int] = mapped_column(Integer, default=0)
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    details_enc: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    email_index: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    source_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class RequestStep(Base):
    """One step of a request (append-only): what happened, who did it, the status after it."""

    __tablename__ = "request_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("subject_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    step: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(24))
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IdentityChallenge(Base):
    """A one-time code sent to an address the store already held. Only its keyed hash is kept."""

    __tablename__ = "identity_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("subject_requests.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_how: Mapped[str | None] = mapped_column(String(16), default=None)


class IdentityDocument(Base):
    """An ID copy uploaded for a request: sealed, shown to staff only, deleted once decided."""

    __tablename__ = "identity_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("subject_requests.id", ondelete="CASCADE"), index=True)
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    check: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
