"""Correspondence: a message is stored once, sealed under its own key, and linked to every subject
it is about by a record that holds the message key sealed under that subject's key.

Erasing one subject removes their link (and their key); the message stays readable for the others
it is also about, and is deleted when no link is left.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.register.retention import expiry_date, rule_for
from privacydesk.register.service import latest_version
from privacydesk.store.base import Base, utcnow
from privacydesk.store.crypto import Keyring, open_json, seal_json
from privacydesk.store.models.subjects import Message, Record, Subject, SubjectKey
from privacydesk.store.rows import binder, insert_rows
from privacydesk.subjects import aad_for, check_value, read_record


@dataclass(frozen=True)
class MessageIn:
    """A message to store: its fingerprint makes a second import of the same message a no-op."""

    fingerprint: str
    sent_at: datetime | None
    direction: str  # "in" | "out"
    channel: str  # "email" | "phone" | "whatsapp"
    content: dict[str, Any]  # subject line, body, from, to, attachments [{name, size}]


RECORDS = Base.metadata.tables["records"]
LINK_COLUMNS = (
    "subject_id",
    "kind",
    "category",
    "purpose",
    "source",
    "source_ref",
    "created_at",
    "event_on",
    "expires_on",
    "payload_enc",
    "message_id",
    "fingerprint",
    "register_version",
    "restricted",
)


def _aad(fingerprint: str) -> bytes:
    return f"msg:{fingerprint}".encode()


def find_message(session: Session, *, fingerprint: str) -> Message | None:
    return session.execute(select(Message).where(Message.fingerprint == fingerprint)).scalar_one_or_none()


class Link(NamedTuple):
    """A subject a message is about, as storing needs it (no ORM object): id, ref, role, purpose."""

    subject_id: int
    subject_ref: str
    role: str
    purpose: str


class Stored(NamedTuple):
    """What storing one message did: its id, whether it was new, and how many links it gained."""

    message_id: int
    new: bool
    links: int


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
    linked = [Link(subject.id, subject.ref, role, purpose) for subject, role in links]
    [stored] = store_messages(
        session,
        keyring=keyring,
        register=register,
        messages=[(message, linked)],
        category=category,
        source=source,
        source_ref=source_ref,
        today=date.today(),
        actor=actor,
    )
    found = session.get(Message, stored.message_id)
    assert found is not None
    return found, stored.links


def store_messages(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    messages: Sequence[tuple[MessageIn, Sequence[Link]]],
    category: str = "correspondence",
    source: str = "data_subject",
    source_ref: str | None = None,
    today: date,
    actor: str,
    audit_each: bool = True,
    subject_keys: dict[int, bytes] | None = None,
) -> list[Stored]:
    """Store each message once and link it to each of its subjects, in bulk; one `Stored` per message.

    1. Messages already stored (or earlier in `messages`) are found by fingerprint; the rest are
       sealed, each under a fresh message key, and inserted together.
    2. Each link not made before becomes a record holding the message key sealed under the subject's
       data key (`subject_keys`, a cache the caller may keep between calls, holds them unwrapped).
    Imports pass `audit_each=False` and write one IMPORT_COMPLETED entry for the file instead.
    """
    batch = _Batch(session, keyring, today, subject_keys if subject_keys is not None else {})
    ids = batch.messages([m for m, _ in messages])
    batch.load_subject_keys({link.subject_id: link.subject_ref for _, links in messages for link in links})
    rows, counts = [], []
    for message, links in messages:
        new_rows = batch.link_rows(register, ids[message.fingerprint], message, links, category)
        rows += [{**row, "source": source, "source_ref": source_ref} for row in new_rows]
        counts.append(len(new_rows))
    batch.insert_links(rows, audit_each=audit_each, actor=actor)
    seen: set[str] = set()
    out = []
    for (message, _), count in zip(messages, counts, strict=True):
        new = message.fingerprint in batch.fresh and message.fingerprint not in seen
        seen.add(message.fingerprint)
        out.append(Stored(ids[message.fingerprint], new, count))
    return out


@dataclass
class _Batch:
    """The state of one store_messages call: message ids and keys, who is linked already."""

    session: Session
    keyring: Keyring
    today: date
    subject_keys: dict[int, bytes]
    fresh: set[str] = field(default_factory=set)
    _keys: dict[int, bytes] = field(default_factory=dict)  # message id: message key
    _linked: set[tuple[int, int]] = field(default_factory=set)  # (message id, subject id)
    _refs: dict[int, str] = field(default_factory=dict)  # subject id: ref
    _expiry: dict[tuple[str, date], date | None] = field(default_factory=dict)

    def messages(self, messages: list[MessageIn]) -> dict[str, int]:
        """The id of every message by fingerprint, inserting those not stored yet."""
        fingerprints = list({m.fingerprint for m in messages})
        query = select(Message.fingerprint, Message.id).where(
            Message.fingerprint.in_(bindparam("fingerprints", expanding=True))
        )
        ids: dict[str, int] = {
            fp: id_ for fp, id_ in self.session.execute(query, {"fingerprints": fingerprints})
        }
        for id_ in ids.values():
            self._keys[id_] = _any_key(self.session, keyring=self.keyring, message_id=id_)
        if ids:
            linked = select(Record.message_id, Record.subject_id).where(
                Record.message_id.in_(list(ids.values()))
            )
            self._linked = {(int(m), s) for m, s in self.session.execute(linked) if m is not None}
        new = {m.fingerprint: m for m in messages if m.fingerprint not in ids}
        if new:
            keys = {fp: AESGCM.generate_key(bit_length=256) for fp in new}
            rows = [_message_row(m, keys[fp]) for fp, m in new.items()]
            for id_, fp in self.session.execute(
                insert(Message).returning(Message.id, Message.fingerprint), rows
            ):
                ids[fp], self._keys[id_] = id_, keys[fp]
            self.fresh = set(new)
        return ids

    def link_rows(
        self, register: Register, message_id: int, message: MessageIn, links: Sequence[Link], category: str
    ) -> list[dict[str, Any]]:
        """The records that link `message` to those of `links` it is not linked to yet."""
        payloads = {
            link.role: {"message_key": base64.b64encode(self._keys[message_id]).decode(), "role": link.role}
            for link in links
        }
        event_on = message.sent_at.date() if message.sent_at else self.today
        rows = []
        for link in links:
            if (message_id, link.subject_id) in self._linked:
                continue
            self._linked.add((message_id, link.subject_id))
            payload = payloads[link.role]
            check_value(register, category=category, purpose=link.purpose, payload=payload)
            fingerprint = json.dumps(
                [link.subject_ref, "message", category, link.purpose, payload], sort_keys=True
            )
            rows.append(
                {
                    "subject_id": link.subject_id,
                    "kind": "message",
                    "category": category,
                    "purpose": link.purpose,
                    "event_on": event_on,
                    "expires_on": self._expires_on(register, link.purpose, event_on),
                    "message_id": message_id,
                    "payload_enc": seal_json(
                        self.subject_keys[link.subject_id], payload, aad_for(link.subject_ref, "message")
                    ),
                    "fingerprint": self.keyring.blind_index("record", fingerprint),
                    "restricted": False,
                }
            )
        return rows

    def _expires_on(self, register: Register, purpose: str, event_on: date) -> date | None:
        if (purpose, event_on) not in self._expiry:
            rule = rule_for(register, purpose)
            self._expiry[purpose, event_on] = expiry_date(rule, event_on=event_on) if rule else None
        return self._expiry[purpose, event_on]

    def load_subject_keys(self, refs: dict[int, str]) -> None:
        """The data keys of subjects not seen yet: one query, each unwrapped once."""
        self._refs.update(refs)
        wanted = {id_: ref for id_, ref in refs.items() if id_ not in self.subject_keys}
        if not wanted:
            return
        rows = self.session.execute(
            select(SubjectKey.subject_id, SubjectKey.wrapped_key).where(
                SubjectKey.subject_id.in_(list(wanted))
            )
        )
        for subject_id, wrapped in rows:
            self.subject_keys[subject_id] = self.keyring.unwrap(wrapped, wanted[subject_id])

    def insert_links(self, rows: list[dict[str, Any]], *, audit_each: bool, actor: str) -> None:
        if not rows:
            return
        version = latest_version(self.session)
        for row in rows:
            row["register_version"] = version.number if version else 0
        if not audit_each:
            self._insert_plain(rows)
            return
        ids = self.session.execute(insert(Record).returning(Record.id, sort_by_parameter_order=True), rows)
        for record_id, row in zip(ids.scalars(), rows, strict=True):
            audit.record(
                self.session,
                action=audit.Action.RECORD_CREATED,
                actor=actor,
                target_type="record",
                target_id=record_id,
                details={
                    "subject": self._refs[row["subject_id"]],
                    "category": row["category"],
                    "purpose": row["purpose"],
                },
            )

    def _insert_plain(self, rows: list[dict[str, Any]]) -> None:
        """The rows as one executemany of bound tuples (an import's thousands of links)."""
        connection = self.session.connection()
        bind_date = binder(connection, RECORDS.c.event_on)
        now = binder(connection, RECORDS.c.created_at)(utcnow())
        tuples = [
            (
                *(r["subject_id"], r["kind"], r["category"], r["purpose"], r["source"], r["source_ref"], now),
                *(bind_date(r["event_on"]), bind_date(r["expires_on"]), r["payload_enc"], r["message_id"]),
                *(r["fingerprint"], r["register_version"], r["restricted"]),
            )
            for r in rows
        ]  # in the order of LINK_COLUMNS
        insert_rows(connection, RECORDS, LINK_COLUMNS, tuples)


def _message_row(message: MessageIn, key: bytes) -> dict[str, Any]:
    """A messages row: the content sealed under the message's own key, bound to its fingerprint."""
    return {
        "fingerprint": message.fingerprint,
        "sent_at": message.sent_at,
        "direction": message.direction,
        "channel": message.channel,
        "size": len(str(message.content.get("body", ""))),
        "content_enc": seal_json(key, message.content, _aad(message.fingerprint)),
    }


def _any_key(session: Session, *, keyring: Keyring, message_id: int) -> bytes:
    for record in session.execute(select(Record).where(Record.message_id == message_id)).scalars():
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
