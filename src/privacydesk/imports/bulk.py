"""Set-based writing for imports: subjects, keys, identifiers and records inserted a chunk at a time.

Per chunk (1,000 items): one query matches every incoming item to existing subjects by blind index,
new subjects are inserted together, data keys are generated and wrapped, and identifiers and records
go in with one multi-row INSERT each. Items in the same chunk that share a strong identifier are
one subject. Records stay idempotent through their keyed fingerprint.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from privacydesk.register.model import Register
from privacydesk.register.retention import default_event_on, expiry_date, rule_for
from privacydesk.register.service import latest_version
from privacydesk.store.base import Base, utcnow
from privacydesk.store.crypto import Keyring, seal_json
from privacydesk.store.models.subjects import Identifier, Record, Subject, SubjectKey
from privacydesk.subjects import aad_for, check_value

CHUNK = 1000
SUBJECTS = Base.metadata.tables["subjects"]
SUBJECT_KEYS = Base.metadata.tables["subject_keys"]
IDENTIFIERS = Base.metadata.tables["identifiers"]
RECORDS = Base.metadata.tables["records"]
STRONG = ("email", "phone", "iban")


@dataclass
class Item:
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
    _buffer: list[Item] = field(default_factory=list)

    def __post_init__(self) -> None:
        version = latest_version(self.session)
        self._version = version.number if version else 0
        self._now = utcnow()

    def add(self, item: Item) -> None:
        self._buffer.append(item)
        if len(self._buffer) >= CHUNK:
            self.flush()

    def _index(self, kind: str, value: str) -> tuple[str, str]:
        return kind, self.keyring.blind_index(kind, value)

    def _match_keys(self, item: Item) -> list[tuple[str, str]]:
        strong = [self._index(k, v) for k, v in item.pairs if k in STRONG]
        return strong or [self._index(k, v) for k, v in item.pairs if k == "name"]

    def _existing(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Existing subjects of this import's type (and owner) holding any of `keys`.

        One query per identifier kind, `kind = ? AND blind_index IN (…)`, so SQLite seeks the
        (kind, blind_index) index; a combined IN over both columns made it scan.
        """
        found: dict[tuple[str, str], int] = {}
        for kind in {k for k, _ in keys}:
            query = (
                select(Identifier.blind_index, Subject.id)
                .join(Subject, Subject.id == Identifier.subject_id)
                .where(
                    Identifier.kind == kind,
                    Identifier.blind_index.in_({b for k, b in keys if k == kind}),
                    Subject.subject_type == self.subject_type,
                    Subject.erased_at.is_(None),
                )
            )
            if self.owner_id is not None:
                query = query.where(Subject.owner_id == self.owner_id)
            found.update(((kind, index), sid) for index, sid in self.session.execute(query))
        return found

    def _load_targets(self, ids: set[int]) -> dict[int, _Target]:
        targets: dict[int, _Target] = {}
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

    def _new_subjects(self, count: int) -> list[_Target]:
        if count == 0:
            return []
        refs = [secrets.token_hex(16) for _ in range(count)]
        rows = [
            {
                "ref": ref,
                "subject_type": self.subject_type,
                "owner_id": self.owner_id,
                "created_at": self._now,
                "restricted": False,
                "objected_marketing": False,
            }
            for ref in refs
        ]
        returning = insert(SUBJECTS).returning(SUBJECTS.c.id, sort_by_parameter_order=True)
        ids: list[int] = list(self.session.execute(returning, rows).scalars())
        targets, keys = [], []
        for ref, sid in zip(refs, ids, strict=True):
            dek, wrapped = self.keyring.new_subject_key(ref)
            targets.append(_Target(sid, ref, dek))
            keys.append({"subject_id": sid, "wrapped_key": wrapped, "created_at": self._now})
        self.session.execute(insert(SUBJECT_KEYS), keys)
        return targets

    def _assign(self, items: list[Item]) -> list[int | None]:
        """The existing subject id of each item, or None; items sharing a key share a subject."""
        keys = [self._match_keys(i) for i in items]
        existing = self._existing({k for ks in keys for k in ks})
        chosen: list[int | None] = []
        first_seen: dict[tuple[str, str], int] = {}
        for n, ks in enumerate(keys):
            sid = next((existing[k] for k in ks if k in existing), None)
            same = next((first_seen[k] for k in ks if k in first_seen), None)
            chosen.append(sid if sid is not None else (-1 - same if same is not None else None))
            for k in ks:
                first_seen.setdefault(k, n)
        return chosen

    def flush(self) -> None:
        """Write the buffered items (one chunk)."""
        items, self._buffer = self._buffer, []
        if not items:
            return
        chosen = self._assign(items)
        targets = self._load_targets({c for c in chosen if c is not None and c >= 0})
        fresh = iter(self._new_subjects(sum(c is None for c in chosen)))
        resolved: list[_Target] = []
        for c in chosen:
            if c is None:
                resolved.append(next(fresh))
                self.added += 1
            else:
                resolved.append(targets[c] if c >= 0 else resolved[-1 - c])
                self.matched += 1
        self._write_rows(items, resolved)

    def _write_rows(self, items: list[Item], targets: list[_Target]) -> None:
        identifiers: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        for item, target in zip(items, targets, strict=True):
            identifiers += self._identifier_rows(item, target)
            records += self._record_rows(item, target)
        if identifiers:
            self.session.execute(insert(IDENTIFIERS), identifiers)
        if records:
            self.session.execute(insert(RECORDS), records)
        self.records += len(records)

    def _identifier_rows(self, item: Item, target: _Target) -> list[dict[str, Any]]:
        rows = []
        for kind, value in item.pairs:
            candidates = [(kind, value, True)]
            if kind == "name":
                candidates += [
                    ("name_token", t, False) for t in set(value.split()) if len(t) > 1 and t != value
                ]
            for k, v, sealed in candidates:
                key = self._index(k, v)
                if key in target.indexes:
                    continue
                target.indexes.add(key)
                blob = seal_json(target.dek, v, f"id:{target.ref}:{k}".encode()) if sealed else None
                rows.append(
                    {"subject_id": target.subject_id, "kind": k, "blind_index": key[1], "value_enc": blob}
                )
        return rows

    def _record_rows(self, item: Item, target: _Target) -> list[dict[str, Any]]:
        rows = []
        for kind, category, purpose, payload, event_on in item.values:
            fingerprint = self.keyring.blind_index(
                "record",
                json.dumps([target.ref, kind, category, purpose, payload], sort_keys=True, default=str),
            )
            if fingerprint in target.fingerprints:
                continue
            check_value(self.register, category=category, purpose=purpose, payload=payload)
            target.fingerprints.add(fingerprint)
            rule = rule_for(self.register, purpose)
            if event_on is None and rule is not None:
                event_on = default_event_on(rule, collected_on=self._now.date())
            rows.append(
                {
                    "subject_id": target.subject_id,
                    "kind": kind,
                    "category": category,
                    "purpose": purpose,
                    "source": self.source,
                    "source_ref": self.source_ref,
                    "event_on": event_on,
                    "expires_on": expiry_date(rule, event_on=event_on) if rule else None,
                    "payload_enc": seal_json(target.dek, payload, aad_for(target.ref, kind)),
                    "fingerprint": fingerprint,
                    "register_version": self._version,
                }
            )
        return rows
