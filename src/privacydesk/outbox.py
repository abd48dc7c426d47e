"""The outbox: e-mail is queued in the caller's transaction and sent later, once, by SMTP.

Queueing is idempotent: a second `queue_mail` with the same `key` returns the first message, so a
retried request never writes two letters. Sending claims one message at a time with a conditional
UPDATE (status pending → sending) in its own transaction, sends it, then marks it sent. A message
that failed goes back to pending with an exponential back-off; one whose claim was interrupted
(a crash between SMTP and the commit) stays `sending` and is never sent again automatically, because
the mail may already have left: at-most-once is the promise. Addresses and bodies never reach the
audit log or the log, only the message id, and a sent message keeps only its key and times.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.config import Settings
from privacydesk.errors import UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database
from privacydesk.store.models.requests import OutboxMessage

log = logging.getLogger("privacydesk.outbox")

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
SMTP_TIMEOUT = 30
_HEADER_FORBIDDEN = ("\r", "\n")


@dataclass(frozen=True)
class OutboxCounts:
    """How many messages are in each state (no addresses)."""

    pending: int
    sending: int
    sent: int
    failed: int


def _check_headers(subject: str, headers: dict[str, str]) -> None:
    for name, value in [("Subject", subject), *headers.items()]:
        if any(c in name or c in value for c in _HEADER_FORBIDDEN):
            raise UnusableInput(f"mail header '{name}' contains a line break", hint="use a single line")


def queue_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    headers: dict[str, str] | None = None,
    key: str,
    actor: str,
) -> OutboxMessage:
    """Queue one e-mail; a second call with the same `key` returns the message queued first."""
    existing = session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalar_one_or_none()
    if existing is not None:
        return existing
    _check_headers(subject, headers or {})
    message = OutboxMessage(
        key=key,
        to_addr=to.strip(),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    audit.record(
        session, action=audit.Action.LETTER_QUEUED, actor=actor, target_type="outbox", target_id=message.id
    )
    return message


def backoff(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours."""
    wait: timedelta = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(wait, MAX_RETRY)


def build_email(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The MIME message for `message`; its Message-ID is derived from the queue key."""
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = message.to_addr
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(utcnow())
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    mail["Message-ID"] = make_msgid(idstring=digest, domain=settings.mail_from.rpartition("@")[2] or None)
    for name, value in message.headers.items():
        mail[name] = value
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    return mail


def _smtp_send(mail: EmailMessage, settings: Settings) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(mail)


def _claim_next(db: Database, now: datetime) -> tuple[int, str] | None:
    """Take one due message for this sender, or None. Two senders never get the same message."""
    token = secrets.token_hex(16)
    with db.session_scope() as session:
        due = select(OutboxMessage.id).where(
            OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now
        )
        ids = session.execute(due.order_by(OutboxMessage.id).limit(5)).scalars().all()
        for message_id in ids:
            claimed = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
                .values(
                    status="sending", claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1
                )
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                return message_id, token
    return None


def _mark_sent(db: Database, message_id: int, token: str) -> None:
    with db.session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.claim_token != token:
            return
        message.status, message.sent_at, message.last_error = "sent", utcnow(), None
        # Once sent, the outbox is no second copy of anyone's data: only the key and times remain.
        message.to_addr, message.subject, message.body_text, message.body_html = "", "", "", None
        message.headers = {}
        audit.record(
            session,
            action=audit.Action.LETTER_SENT,
            actor="system:outbox",
            target_type="outbox",
            target_id=message_id,
            details={"attempts": message.attempts},
        )


def _mark_failed(db: Database, message_id: int, token: str, error: Exception, now: datetime) -> None:
    with db.session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.claim_token != token:
            return
        # Only the exception's class: the server's reply may quote the address.
        message.last_error = type(error).__name__
        message.status = "failed" if message.attempts >= MAX_ATTEMPTS else "pending"
        message.next_attempt_at = now + backoff(message.attempts)
    log.warning(
        "outbox message %s not sent (%s); attempt %s", message_id, type(error).__name__, message.attempts
    )


def _send_one(db: Database, settings: Settings, message_id: int, token: str, now: datetime) -> bool:
    with db.session_scope(readonly=True) as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        mail = build_email(message, settings)
    try:
        _smtp_send(mail, settings)
    except (OSError, smtplib.SMTPException) as exc:
        _mark_failed(db, message_id, token, exc, now)
        return False
    _mark_sent(db, message_id, token)
    return True


def send_pending(db: Database, settings: Settings, *, now: datetime | None = None, limit: int = 500) -> int:
    """Send every due message once; returns how many left. Failures wait for their back-off."""
    moment = now or utcnow()
    sent = 0
    for _ in range(limit):
        claim = _claim_next(db, moment)
        if claim is None:
            break
        sent += _send_one(db, settings, *claim, moment)
    return sent


def outbox_counts(session: Session) -> OutboxCounts:
    """Messages per state, for `outbox status` and the admin."""
    rows = dict(
        session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    )
    return OutboxCounts(*(int(rows.get(s, 0)) for s in ("pending", "sending", "sent", "failed")))
