"""Correspondence: a message is stored once, sealed under its own key, and linked to every subject
it is about by a record that holds the message key sealed under that subject's key.

Erasing one subject removes their link (and their key); the message stays readable for the others
it is also about, and is deleted when no link is left.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring, open_json, seal_json
from privacydesk.store.models.subjects import Message, Record, Subject
from privacydesk.subjects import add_record, read_record


@dataclass(frozen=True)
class MessageIn:
    """A message to store: its fingerprint makes a second import of the same message a no-op."""

    fingerprint: str
    sent_at: datetime | None
    direction: str  # "in" | "out"
    channel: str  # "email" | "phone" | "whatsapp"
    content: dict[str, Any]  # subject line, body, from, to, attachments [{name, size}]


def _aad(fingerprint: str) -> bytes:
    return f"msg:{fingerprint}".encode()


def find_message(session: Session, *, fingerprint: str) -> Message | None:
    return session.execute(select(Message).where(Message.fingerprint == fingerprint)).scalar_one_or_none()


def store_message(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    message: MessageIn,
    links: list[tuple[Subject, str]],
    purpose: str,
    category: str = "correspondence",
    source: str = "data_subject",
    source_ref: str | None = None,
    actor: str,
) -> tuple[Message, int]:
    """Store `message` once and link it to each (subject, role); returns (message, new links)."""
    existing = find_message(session, fingerprint=message.fingerprint)
    if existing is None:
        key = AESGCM.generate_key(bit_length=256)
        existing = Message(
            fingerprint=message.fingerprint,
            sent_at=message.sent_at,
            direction=message.direction,
            channel=message.channel,
            content_enc=seal_json(key, message.content, _aad(message.fingerprint)),
            size=len(str(message.content.get("body", ""))),
        )
        session.add(existing)
        session.flush()
    else:
        key = _any_key(session, keyring=keyring, message=existing)
    linked = set(session.execute(select(Record.subject_id).where(Record.message_id == existing.id)).scalars())
    event_on = message.sent_at.date() if message.sent_at else date.today()
    added = 0
    for subject, role in links:
        if subject.id in linked:
            continue
        add_record(
            session,
            keyring=keyring,
            register=register,
            subject=subject,
            kind="message",
            category=category,
            purpose=purpose,
            source=source,
            source_ref=source_ref,
            payload={"message_key": base64.b64encode(key).decode(), "role": role},
            event_on=event_on,
            message_id=existing.id,
            actor=actor,
        )
        linked.add(subject.id)
        added += 1
    return existing, added


def _any_key(session: Session, *, keyring: Keyring, message: Message) -> bytes:
    for record in session.execute(select(Record).where(Record.message_id == message.id)).scalars():
        try:
            return base64.b64decode(read_record(session, keyring=keyring, record=record)["message_key"])
        except Refused:  # a shredded link: try the next subject's
            continue
    raise LookupError("no readable link to this message")


def read_message(session: Session, *, keyring: Keyring, record: Record) -> dict[str, Any]:
    """The content of a message as seen through one subject's link record."""
    message = session.get(Message, record.message_id)
    assert message is not None
    key = base64.b64decode(read_record(session, keyring=keyring, record=record)["message_key"])
    content = open_json(key, message.content_enc, _aad(message.fingerprint))
    return content if isinstance(content, dict) else {}


def delete_orphan_messages(session: Session) -> int:
    """Delete messages no subject is linked to any more."""
    linked = select(Record.message_id).where(Record.message_id.is_not(None))
    result = session.execute(delete(Message).where(Message.id.not_in(linked)))
    return int(getattr(result, "rowcount", 0) or 0)
