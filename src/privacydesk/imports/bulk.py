"""Set-based writing for imports: subjects, keys, identifiers and records inserted a chunk at a time.

Each incoming item is first made into a `Draft` (no database needed, so it can be done in another
process): its blind indexes, and a fresh data key with every value already sealed under it, ready
for the case that the item is a new subject. Per chunk (1,000 drafts): one query per identifier kind
matches the drafts to existing subjects by blind index; new subjects take their draft as it is, and
only a matched item is sealed again under its subject's key. Items in the same chunk that share a
strong identifier are one subject. Records stay idempotent through their keyed fingerprint.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.register.retention import default_event_on, expiry_date, rule_for
from privacydesk.register.service import latest_version
from privacydesk.store.base import Base, utcnow
from privacydesk.store.crypto import Keyring, Sealer
from privacydesk.store.models.subjects import Identifier, Record, Subject, SubjectKey
from privacydesk.store.rows import binder, insert_rows
from privacydesk.subjects import aad_for, check_value

CHUNK = 1000
SUBJECTS = Base.metadata.tables["subjects"]
SUBJECT_KEYS = Base.metadata.tables["subject_keys"]
IDENTIFIERS = Base.metadata.tables["identifiers"]
RECORDS = Base.metadata.tables["records"]
STRONG = ("email", "phone", "iban")
SUBJECT_COLUMNS = ("ref", "subject_type", "owner_id", "created_at", "restricted", "objected_marketing")
IDENTIFIER_COLUMNS = ("subject_id", "kind", "blind_index", "value_enc", "created_at")
RECORD_COLUMNS = (
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
    "fingerprint",
    "register_version",
    "restricted",
)

# The record fingerprint's JSON (as json.dumps(..., sort_keys=True, default=str) writes it), one encoder.
_FINGERPRINT = json.JSONEncoder(sort_keys=True, default=str)
IdentifierRow = tuple[str, str, bytes | None]  # kind, blind index, sealed value
RecordRow = tuple[str, str, str, date | None, date | None, bytes, str]
# kind, category, purpose, event_on, expires_on, sealed payload, fingerprint


class Item(NamedTuple):
    """One incoming person: normalised identifiers and the values to keep about them."""

    pairs: list[tuple[str, str]]
    values: list[
        tuple[str, str, str, dict[str, Any], date | None]
    ]  # kind, category, purpose, payload, event_on


@dataclass
class _Target:
    subject_id: int
    ref: str
    dek: bytes
    indexes: set[tuple[str, str]] = field(default_factory=set)
    fingerprints: set[str] = field(default_factory=set)


class Draft(NamedTuple):
    """An item made ready to be a new subject: match keys, a fresh data key, every value sealed.

    A tuple, not a dataclass: drafts cross a process boundary, and tuples unpickle twice as fast.
    """

    item: Item
    keys: list[tuple[str, str]]
    ref: str
    dek: bytes
    wrapped: bytes
    identifiers: list[IdentifierRow]
    records: list[RecordRow]
    refused: tuple[str, str | None] | None = None  # why the register refuses a value, if it does


@dataclass(frozen=True)
class Drafter:
    """Makes drafts, and the rows an item adds to a subject; holds no database state, so it can
    work in a child process."""

    keyring: Keyring
    register: Register
    collected_on: date
    _clocks: dict[tuple[str, str, date | None], tuple[date | None, date | None]] = field(
        default_factory=dict, compare=False
    )

    def draft(self, item: Item) -> Draft:
        ref = secrets.token_hex(16)
        dek, wrapped = self.keyring.new_subject_key(ref)
        target = _Target(0, ref, dek)
        indexes = {(k, v): self.keyring.blind_index(k, v) for k, v in item.pairs}
        identifiers = self.identifier_rows(item, target, indexes)
        strong = [(k, indexes[k, v]) for k, v in item.pairs if k in STRONG]
        keys = strong or [(k, indexes[k, v]) for k, v in item.pairs if k == "name"]
        try:
            records = self.record_rows(item, target)
        except Refused as exc:  # raised only if the item turns out to be new (a match may hold it already)
            return Draft(item, keys, ref, dek, wrapped, identifiers, [], (exc.message, exc.hint))
        return Draft(item, keys, ref, dek, wrapped, identifiers, records)

    def identifier_rows(
        self, item: Item, target: _Target, indexes: dict[tuple[str, str], str] | None = None
    ) -> list[IdentifierRow]:
        """The item's identifiers that `target` does not hold yet (name tokens are index-only)."""
        rows: list[IdentifierRow] = []
        sealer = Sealer(target.dek)
        for kind, value in item.pairs:
            candidates = [(kind, value, True)]
            if kind == "name":
                candidates += [
                    ("name_token", t, False) for t in set(value.split()) if len(t) > 1 and t != value
                ]
            for k, v, sealed in candidates:
                index = indexes.get((k, v)) if indexes else None
                key = (k, index or self.keyring.blind_index(k, v))
                if key in target.indexes:
                    continue
                target.indexes.add(key)
                rows.append(
                    (k, key[1], sealer.seal_json(v, f"id:{target.ref}:{k}".encode()) if sealed else None)
                )
        return rows

    def record_rows(self, item: Item, target: _Target) -> list[RecordRow]:
        """The item's values that `target` does not hold yet, checked against the register and sealed."""
        rows: list[RecordRow] = []
        sealer = Sealer(target.dek)
        for kind, category, purpose, payload, event_on in item.values:
            fingerprint = self.keyring.blind_index(
                "record", _FINGERPRINT.encode([target.ref, kind, category, purpose, payload])
            )
            if fingerprint in target.fingerprints:
                continue
            start, expires_on = self._clock(category, purpose, event_on)
            check_value(self.register, category=category, purpose=purpose, payload=payload)
            target.fingerprints.add(fingerprint)
            sealed = sealer.seal_json(payload, aad_for(target.ref, kind))
            rows.append((kind, category, purpose, start, expires_on, sealed, fingerprint))
        return rows

    def _clock(self, category: str, purpose: str, event_on: date | None) -> tuple[date | None, date | None]:
        """(event_on, expires_on) of a value: its retention clock's start and end, remembered."""
        key = (category, purpose, event_on)
        if key not in self._clocks:
            rule = rule_for(self.register, purpose)
            start = event_on
            if event_on is None and rule is not None:
                start = default_event_on(rule, collected_on=self.collected_on)
            self._clocks[key] = (start, expiry_date(rule, event_on=start) if rule else None)
        return self._clocks[key]


def _from_draft(draft: Draft, subject_id: int, *, full: bool) -> _Target:
    """The new subject made from `draft`; what it holds is needed only if `full` (met again)."""
    if not full:
        return _Target(subject_id, draft.ref, draft.dek)
    indexes = {(kind, index) for kind, index, _ in draft.identifiers}
    return _Target(subject_id, draft.ref, draft.dek, indexes, {row[6] for row in draft.records})


@dataclass
class BulkWriter:
    """Buffers items and writes them a chunk at a time in the caller's transaction."""

    session: Session
    keyring: Keyring
    register: Register
    subject_type: str
    source: str
    source_ref: str
    owner_id: int | None = None
    added: int = 0
    matched: int = 0
    records: int = 0
    _buffer: list[Draft] = field(default_factory=list)

    def __post_init__(self) -> None:
        version = latest_version(self.session)
        self._version = version.number if version else 0
        self._now = utcnow()
        self.drafter = Drafter(self.keyring, self.register, self._now.date())
        connection = self.session.connection()
        self._bind_date = binder(connection, RECORDS.c.event_on)
        self._now_value = binder(connection, RECORDS.c.created_at)(self._now)

    def add(self, item: Item) -> None:
        self.add_draft(self.drafter.draft(item))

    def add_draft(self, draft: Draft) -> None:
        """Add an item drafted elsewhere (by a `Drafter` with the same keyring and register)."""
        self._buffer.append(draft)
        if len(self._buffer) >= CHUNK:
            self.flush()

    def _existing(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Existing subjects of this import's type (and owner) holding any of `keys`.

        One query per identifier kind, `kind = ? AND blind_index IN (…)`, so SQLite seeks the
        (kind, blind_index) index; a combined IN over both columns made it scan. The IN list is one
        expanding parameter: the statement is compiled once, not built from 1,000 literals a chunk.
        """
        found: dict[tuple[str, str], int] = {}
        for kind in {k for k, _ in keys}:
            query = (
                select(Identifier.blind_index, Subject.id)
                .join(Subject, Subject.id == Identifier.subject_id)
                .where(
                    Identifier.kind == kind,
                    Identifier.blind_index.in_(bindparam("indexes", expanding=True)),
                    Subject.subject_type == self.subject_type,
                    Subject.erased_at.is_(None),
                )
            )
            if self.owner_id is not None:
                query = query.where(Subject.owner_id == self.owner_id)
            indexes = [b for k, b in keys if k == kind]
            found.update(((kind, i), sid) for i, sid in self.session.execute(query, {"indexes": indexes}))
        return found

    def _load_targets(self, ids: set[int]) -> dict[int, _Target]:
        targets: dict[int, _Target] = {}
        if not ids:
            return targets
        rows = self.session.execute(
            select(Subject.id, Subject.ref, SubjectKey.wrapped_key)
            .join(SubjectKey, SubjectKey.subject_id == Subject.id)
            .where(Subject.id.in_(ids))
        )
        for sid, ref, wrapped in rows:
            targets[int(sid)] = _Target(int(sid), str(ref), self.keyring.unwrap(wrapped, str(ref)))
        for sid, kind, index in self.session.execute(
            select(Identifier.subject_id, Identifier.kind, Identifier.blind_index).where(
                Identifier.subject_id.in_(ids)
            )
        ):
            targets[sid].indexes.add((kind, index))
        for sid, fingerprint in self.session.execute(
            select(Record.subject_id, Record.fingerprint).where(Record.subject_id.in_(ids))
        ):
            if fingerprint:
                targets[sid].fingerprints.add(fingerprint)
        return targets

    def _new_subjects(self, drafts: list[Draft]) -> list[int]:
        """Insert a subject and its wrapped data key per draft; their ids, in order.

        Plain executemany, then the ids by ref: SQLite cannot return ids in parameter order from a
        multi-row insert, and SQLAlchemy falls back to one statement per row for that.
        """
        if not drafts:
            return []
        connection = self.session.connection()
        owner, now = self.owner_id, self._now_value
        rows = [(d.ref, self.subject_type, owner, now, False, False) for d in drafts]
        insert_rows(connection, SUBJECTS, SUBJECT_COLUMNS, rows)
        refs = [d.ref for d in drafts]
        query = select(Subject.ref, Subject.id).where(Subject.ref.in_(bindparam("refs", expanding=True)))
        found = self.session.execute(query, {"refs": refs})
        ids: dict[str, int] = {ref: sid for ref, sid in found}
        keys = [(ids[d.ref], d.wrapped, now) for d in drafts]
        insert_rows(connection, SUBJECT_KEYS, ("subject_id", "wrapped_key", "created_at"), keys)
        return [ids[ref] for ref in refs]

    def _assign(self, drafts: list[Draft]) -> list[int | None]:
        """The existing subject id of each draft, or None; drafts sharing a key share a subject.

        An earlier draft in the same chunk is given as -1 - its position.
        """
        existing = self._existing({k for d in drafts for k in d.keys})
        chosen: list[int | None] = []
        first_seen: dict[tuple[str, str], int] = {}
        for n, d in enumerate(drafts):
            sid = next((existing[k] for k in d.keys if k in existing), None)
            same = next((first_seen[k] for k in d.keys if k in first_seen), None)
            chosen.append(sid if sid is not None else (-1 - same if same is not None else None))
            for k in d.keys:
                first_seen.setdefault(k, n)
        return chosen

    def flush(self) -> None:
        """Write the buffered drafts (one chunk)."""
        drafts, self._buffer = self._buffer, []
        if not drafts:
            return
        chosen = self._assign(drafts)
        targets = self._load_targets({c for c in chosen if c is not None and c >= 0})
        fresh = iter(self._new_subjects([d for d, c in zip(drafts, chosen, strict=True) if c is None]))
        shared = {-1 - c for c in chosen if c is not None and c < 0}  # new subjects met again in this chunk
        resolved: list[_Target] = []
        identifiers: list[tuple[Any, ...]] = []
        records: list[tuple[Any, ...]] = []
        for n, (draft, c) in enumerate(zip(drafts, chosen, strict=True)):
            if c is None:
                if draft.refused:
                    raise Refused(draft.refused[0], hint=draft.refused[1])
                target = _from_draft(draft, next(fresh), full=n in shared)
                id_rows, rec_rows = draft.identifiers, draft.records
                self.added += 1
            else:
                target = targets[c] if c >= 0 else resolved[-1 - c]
                id_rows = self.drafter.identifier_rows(draft.item, target)
                rec_rows = self.drafter.record_rows(draft.item, target)
                self.matched += 1
            resolved.append(target)
            identifiers += [(target.subject_id, *row, self._now_value) for row in id_rows]
            records += [self._record_tuple(target.subject_id, row) for row in rec_rows]
        self._insert(identifiers, records)

    def _record_tuple(self, subject_id: int, row: RecordRow) -> tuple[Any, ...]:
        kind, category, purpose, event_on, expires_on, sealed, fingerprint = row
        return (
            subject_id,
            kind,
            category,
            purpose,
            self.source,
            self.source_ref,
            self._now_value,
            self._bind_date(event_on),
            self._bind_date(expires_on),
            sealed,
            fingerprint,
            self._version,
            False,
        )

    def _insert(self, identifiers: list[tuple[Any, ...]], records: list[tuple[Any, ...]]) -> None:
        connection = self.session.connection()
        if identifiers:
            insert_rows(connection, IDENTIFIERS, IDENTIFIER_COLUMNS, identifiers)
        if records:
            insert_rows(connection, RECORDS, RECORD_COLUMNS, records)
        self.records += len(records)
