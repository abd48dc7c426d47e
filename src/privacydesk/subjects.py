"""Subjects and their records: create, find, add, read, rectify, restrict, delete, shred.

Every value is refused at the door unless the register knows its category and purpose and allows
that category for that purpose. Identifiers are stored sealed plus a blind index; lookups never
decrypt. Every change is audited with the subject's pseudonymous ref, never their data.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound, Refused, UnusableInput
from privacydesk.identifiers import InvalidIdentifier, guess_kind, is_bsn, normalise, normalise_name
from privacydesk.register.model import Register
from privacydesk.register.retention import default_event_on, expiry_date, rule_for
from privacydesk.register.service import latest_version
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring, open_json, seal_json
from privacydesk.store.models.subjects import Identifier, Record, RecordHistory, Subject, SubjectKey

IdentifierInput = dict[str, list[str]] | Iterable[tuple[str, str]]


def actor_ref(subject: Subject) -> str:
    return f"subject:{subject.ref}"


def _pairs(identifiers: IdentifierInput) -> list[tuple[str, str]]:
    if isinstance(identifiers, dict):
        return [(kind, v) for kind, values in identifiers.items() for v in values if v and v.strip()]
    return [(kind, v) for kind, v in identifiers if v and v.strip()]


def normalised_pairs(identifiers: IdentifierInput) -> list[tuple[str, str]]:
    """Normalise every identifier; raises InvalidIdentifier naming the field of the first bad one."""
    out: list[tuple[str, str]] = []
    for kind, value in _pairs(identifiers):
        norm = normalise(kind, value)
        if (kind, norm) not in out:
            out.append((kind, norm))
    return out


def subject_key(session: Session, *, keyring: Keyring, subject: Subject) -> bytes:
    wrapped = session.execute(
        select(SubjectKey.wrapped_key).where(SubjectKey.subject_id == subject.id)
    ).scalar_one_or_none()
    return keyring.unwrap(wrapped, subject.ref)


def _index_rows(keyring: Keyring, dek: bytes, subject: Subject, kind: str, norm: str) -> list[Identifier]:
    rows = [
        Identifier(
            subject_id=subject.id,
            kind=kind,
            blind_index=keyring.blind_index(kind, norm),
            value_enc=seal_json(dek, norm, f"id:{subject.ref}:{kind}".encode()),
        )
    ]
    if kind == "name":  # each word of a name is searchable on its own, without being readable
        for token in {t for t in norm.split() if len(t) > 1 and t != norm}:
            rows.append(
                Identifier(
                    subject_id=subject.id,
                    kind="name_token",
                    blind_index=keyring.blind_index("name_token", token),
                )
            )
    return rows


def add_identifiers(
    session: Session, *, keyring: Keyring, subject: Subject, pairs: list[tuple[str, str]]
) -> int:
    """Add normalised (kind, value) pairs the subject does not have yet; returns how many were new."""
    dek = subject_key(session, keyring=keyring, subject=subject)
    have = {
        (kind, index)
        for kind, index in session.execute(
            select(Identifier.kind, Identifier.blind_index).where(Identifier.subject_id == subject.id)
        )
    }
    added = 0
    for kind, norm in pairs:
        for row in _index_rows(keyring, dek, subject, kind, norm):
            if (row.kind, row.blind_index) not in have:
                session.add(row)
                have.add((row.kind, row.blind_index))
                added += row.kind == kind
    session.flush()
    return added


def create_subject(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_type: str,
    identifiers: IdentifierInput,
    owner_id: int | None = None,
    actor: str,
    audit_each: bool = True,
) -> Subject:
    """A new subject of a type the register knows, with its data key and identifiers."""
    if register.subject_type(subject_type) is None:
        raise Refused(
            f"subject type '{subject_type}' is not in the register",
            hint="use one of " + ", ".join(s.key for s in register.subject_types),
        )
    pairs = normalised_pairs(identifiers)
    subject = Subject(ref=secrets.token_hex(16), subject_type=subject_type, owner_id=owner_id)
    session.add(subject)
    session.flush()
    _, wrapped = keyring.new_subject_key(subject.ref)
    session.add(SubjectKey(subject_id=subject.id, wrapped_key=wrapped))
    session.flush()
    add_identifiers(session, keyring=keyring, subject=subject, pairs=pairs)
    if audit_each:
        audit.record(
            session,
            action=audit.Action.SUBJECT_CREATED,
            actor=actor,
            target_type="subject",
            target_id=subject.ref,
            details={"type": subject_type, "identifiers": len(pairs)},
        )
    return subject


def default_purpose(register: Register, *, category: str, subject_type: str) -> str:
    """The purpose a value of `category` about a `subject_type` is held for, by register order.

    Consent-based purposes are skipped: holding data for them needs a recorded consent first.
    """
    for purpose in register.purposes:
        if (
            category in purpose.categories
            and subject_type in purpose.subject_types
            and purpose.legal_basis != "consent"
        ):
            return purpose.key
    raise Refused(
        f"no purpose in the register holds '{category}' for '{subject_type}'",
        hint="add the category and subject type to a purpose in the register",
    )


def find_by_identifier(session: Session, *, keyring: Keyring, kind: str, value: str) -> list[Subject]:
    """Subjects holding this identifier: one index seek on the blind index, no decryption."""
    try:
        norm = normalise(kind, value)
    except InvalidIdentifier:
        return []
    return _by_index(session, kind, [keyring.blind_index(kind, norm)])


def _by_index(session: Session, kind: str, indexes: list[str]) -> list[Subject]:
    ids = select(Identifier.subject_id).where(Identifier.kind == kind, Identifier.blind_index.in_(indexes))
    return list(
        session.execute(
            select(Subject).where(Subject.id.in_(ids), Subject.erased_at.is_(None)).order_by(Subject.id)
        ).scalars()
    )


def find_subjects(session: Session, *, keyring: Keyring, query: str) -> list[Subject]:
    """Subjects matching an e-mail, phone, IBAN or name (a full name, or every word of it)."""
    found: dict[int, Subject] = {}
    for kind, norm in guess_kind(query):
        if kind == "name":
            matches = _by_index(session, "name", [keyring.blind_index("name", norm)])
            words = [w for w in norm.split() if len(w) > 1]
            if not matches and words:
                matches = _all_words(session, keyring, words)
        else:
            matches = _by_index(session, kind, [keyring.blind_index(kind, norm)])
        found.update((s.id, s) for s in matches)
    return sorted(found.values(), key=lambda s: s.id)


def _all_words(session: Session, keyring: Keyring, words: list[str]) -> list[Subject]:
    sets = [
        {s.id: s for s in _by_index(session, "name_token", [keyring.blind_index("name_token", w)])}
        | {s.id: s for s in _by_index(session, "name", [keyring.blind_index("name", w)])}
        for w in words
    ]
    common = set.intersection(*(set(s) for s in sets))
    return [sets[0][i] for i in sorted(common)]


def get_subject(session: Session, *, ref: str) -> Subject:
    subject = session.execute(select(Subject).where(Subject.ref == ref)).scalar_one_or_none()
    if subject is None:
        raise NotFound("no subject with that reference")
    return subject


def _check_allowed(register: Register, *, category: str, purpose: str) -> None:
    cat, purp = register.category(category), register.purpose(purpose)
    if cat is None:
        raise Refused(f"category '{category}' is not in the register", hint="declare it, or correct the key")
    if purp is None:
        raise Refused(f"purpose '{purpose}' is not in the register", hint="declare it, or correct the key")
    if cat.forbidden:
        raise Refused(f"the register forbids keeping '{category}'", hint="do not store it")
    if category not in purp.categories:
        raise Refused(
            f"purpose '{purpose}' does not use category '{category}'",
            hint="add the category to the purpose in the register, or pick the right purpose",
        )


def _refuse_bsn(payload: dict[str, Any]) -> None:
    for key, value in payload.items():
        if isinstance(value, str) and is_bsn(value):
            raise Refused(
                f"field '{key}' holds a BSN, which may not be kept here (UAVG art. 46)",
                hint="remove the BSN before storing",
            )


def add_record(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject: Subject,
    kind: str,
    category: str,
    purpose: str,
    source: str,
    payload: dict[str, Any],
    event_on: date | None = None,
    source_ref: str | None = None,
    message_id: int | None = None,
    actor: str,
    audit_each: bool = True,
) -> Record:
    """Store a value for `subject`, refused unless the register allows its category for the purpose.

    Storing the same value again for the same subject, kind, category and purpose returns the
    existing record (imports are idempotent). Bulk imports pass `audit_each=False` and write one
    IMPORT_COMPLETED entry for the whole file instead.
    """
    record, _ = store_record(
        session,
        keyring=keyring,
        register=register,
        subject=subject,
        kind=kind,
        category=category,
        purpose=purpose,
        source=source,
        payload=payload,
        event_on=event_on,
        source_ref=source_ref,
        message_id=message_id,
        actor=actor,
        audit_each=audit_each,
    )
    return record


def store_record(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject: Subject,
    kind: str,
    category: str,
    purpose: str,
    source: str,
    payload: dict[str, Any],
    event_on: date | None = None,
    source_ref: str | None = None,
    message_id: int | None = None,
    actor: str,
    audit_each: bool = True,
) -> tuple[Record, bool]:
    """Like add_record, and also says whether the record is new (False: it was there already)."""
    _check_allowed(register, category=category, purpose=purpose)
    _refuse_bsn(payload)
    fingerprint = keyring.blind_index(
        "record", json.dumps([subject.ref, kind, category, purpose, payload], sort_keys=True, default=str)
    )
    existing = session.execute(
        select(Record).where(Record.subject_id == subject.id, Record.fingerprint == fingerprint)
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    rule = rule_for(register, purpose)
    if event_on is None and rule is not None:
        event_on = default_event_on(rule, collected_on=utcnow().date())
    version = latest_version(session)
    dek = subject_key(session, keyring=keyring, subject=subject)
    record = Record(
        subject_id=subject.id,
        kind=kind,
        category=category,
        purpose=purpose,
        source=source,
        source_ref=source_ref,
        event_on=event_on,
        message_id=message_id,
        expires_on=expiry_date(rule, event_on=event_on) if rule else None,
        payload_enc=seal_json(dek, payload, record_aad(subject, kind)),
        fingerprint=fingerprint,
        register_version=version.number if version else 0,
    )
    session.add(record)
    session.flush()
    if audit_each:
        audit.record(
            session,
            action=audit.Action.RECORD_CREATED,
            actor=actor,
            target_type="record",
            target_id=record.id,
            details={"subject": subject.ref, "category": category, "purpose": purpose},
        )
    return record, True


def record_aad(subject: Subject, kind: str) -> bytes:
    return aad_for(subject.ref, kind)


def aad_for(ref: str, kind: str) -> bytes:
    """The additional data that binds a sealed record to its subject and kind."""
    return f"rec:{ref}:{kind}".encode()


def check_value(register: Register, *, category: str, purpose: str, payload: dict[str, Any]) -> None:
    """Refuse a value the register does not allow: unknown category or purpose, or a BSN."""
    _check_allowed(register, category=category, purpose=purpose)
    _refuse_bsn(payload)


def read_record(session: Session, *, keyring: Keyring, record: Record) -> dict[str, Any]:
    subject = session.get(Subject, record.subject_id)
    assert subject is not None
    if record.payload_enc is None:
        return {}
    dek = subject_key(session, keyring=keyring, subject=subject)
    value = open_json(dek, record.payload_enc, record_aad(subject, record.kind))
    return value if isinstance(value, dict) else {"value": value}


def rectify_record(
    session: Session, *, keyring: Keyring, record_id: int, changes: dict[str, Any], actor: str
) -> Record:
    """Apply a correction (art. 16), keeping the old value sealed in the record's history."""
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("no such record")
    if not changes:
        raise UnusableInput("no changes given", hint="name at least one field and its new value")
    _refuse_bsn(changes)
    subject = session.get(Subject, record.subject_id)
    assert subject is not None
    dek = subject_key(session, keyring=keyring, subject=subject)
    current = read_record(session, keyring=keyring, record=record)
    session.add(
        RecordHistory(
            record_id=record.id,
            actor=actor,
            old_payload_enc=record.payload_enc,
            changed_fields=",".join(sorted(changes))[:500],
        )
    )
    record.payload_enc = seal_json(dek, {**current, **changes}, record_aad(subject, record.kind))
    session.flush()
    audit.record(
        session,
        action=audit.Action.RECORD_RECTIFIED,
        actor=actor,
        target_type="record",
        target_id=record.id,
        details={"subject": subject.ref, "fields": sorted(changes)},
    )
    return record


def restrict_record(session: Session, *, record_id: int, reason: str, actor: str) -> Record:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("no such record")
    record.restricted, record.restricted_reason = True, reason[:200]
    audit.record(
        session,
        action=audit.Action.RECORD_RESTRICTED,
        actor=actor,
        target_type="record",
        target_id=record.id,
        reason=reason[:500],
    )
    return record


def delete_record(session: Session, *, record_id: int, actor: str) -> None:
    record = session.get(Record, record_id)
    if record is None:
        raise NotFound("no such record")
    session.execute(delete(RecordHistory).where(RecordHistory.record_id == record_id))
    session.delete(record)
    session.flush()
    audit.record(
        session, action=audit.Action.RECORD_DELETED, actor=actor, target_type="record", target_id=record_id
    )


def destroy_subject_key(session: Session, *, subject_id: int, actor: str) -> None:
    """Crypto-shredding: every sealed value of the subject, in every backup, becomes unreadable."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound("no such subject")
    session.execute(
        update(SubjectKey)
        .where(SubjectKey.subject_id == subject_id)
        .values(wrapped_key=None, destroyed_at=utcnow())
    )
    session.execute(update(Identifier).where(Identifier.subject_id == subject_id).values(value_enc=None))
    audit.record(
        session, action=audit.Action.KEY_DESTROYED, actor=actor, target_type="subject", target_id=subject.ref
    )


def delete_subject(session: Session, *, subject_id: int, actor: str) -> None:
    """Remove a subject and everything of theirs (identifiers, records, history), key destroyed first."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound("no such subject")
    destroy_subject_key(session, subject_id=subject_id, actor=actor)
    record_ids = select(Record.id).where(Record.subject_id == subject_id)
    session.execute(delete(RecordHistory).where(RecordHistory.record_id.in_(record_ids)))
    session.execute(delete(Record).where(Record.subject_id == subject_id))
    session.execute(delete(Identifier).where(Identifier.subject_id == subject_id))
    session.execute(update(Subject).where(Subject.owner_id == subject_id).values(owner_id=None))
    session.execute(delete(SubjectKey).where(SubjectKey.subject_id == subject_id))
    ref = subject.ref
    session.delete(subject)
    session.flush()
    audit.record(
        session, action=audit.Action.SUBJECT_DELETED, actor=actor, target_type="subject", target_id=ref
    )


@dataclass
class RecordView:
    id: int
    kind: str
    category: str
    purpose: str
    source: str
    created_at: str
    event_on: date | None
    expires_on: date | None
    restricted: bool
    value: dict[str, Any]


@dataclass
class SubjectView:
    """Everything the store holds about one subject, grouped by purpose."""

    ref: str
    subject_type: str
    identifiers: dict[str, list[str]]
    purposes: dict[str, list[RecordView]] = field(default_factory=dict)
    owner_ref: str | None = None
    contacts: int = 0
    restricted: bool = False


def _identifier_values(session: Session, dek: bytes, subject: Subject) -> dict[str, list[str]]:
    rows = session.execute(
        select(Identifier.kind, Identifier.value_enc)
        .where(Identifier.subject_id == subject.id, Identifier.value_enc.is_not(None))
        .order_by(Identifier.id)
    ).all()
    out: dict[str, list[str]] = {}
    for kind, blob in rows:
        assert blob is not None
        out.setdefault(kind, []).append(str(open_json(dek, blob, f"id:{subject.ref}:{kind}".encode())))
    return out


def subject_view(session: Session, *, keyring: Keyring, subject_id: int, actor: str) -> SubjectView:
    """All of one subject's data, decrypted; writes SUBJECT_VIEWED to the audit log."""
    subject = session.get(Subject, subject_id)
    if subject is None or subject.erased_at is not None:
        raise NotFound("no such subject")
    dek = subject_key(session, keyring=keyring, subject=subject)
    owner = session.get(Subject, subject.owner_id) if subject.owner_id else None
    view = SubjectView(
        subject.ref,
        subject.subject_type,
        _identifier_values(session, dek, subject),
        owner_ref=owner.ref if owner else None,
        restricted=subject.restricted,
    )
    view.contacts = len(session.execute(select(Subject.id).where(Subject.owner_id == subject.id)).all())
    records = session.execute(
        select(Record).where(Record.subject_id == subject.id).order_by(Record.id)
    ).scalars()
    for r in records:
        value = open_json(dek, r.payload_enc, record_aad(subject, r.kind)) if r.payload_enc else {}
        view.purposes.setdefault(r.purpose, []).append(
            RecordView(
                r.id,
                r.kind,
                r.category,
                r.purpose,
                r.source,
                r.created_at.isoformat(timespec="seconds"),
                r.event_on,
                r.expires_on,
                r.restricted,
                value if isinstance(value, dict) else {"value": value},
            )
        )
    audit.record(
        session, action=audit.Action.SUBJECT_VIEWED, actor=actor, target_type="subject", target_id=subject.ref
    )
    return view


def display_name(view: SubjectView) -> str:
    names = view.identifiers.get("name") or view.identifiers.get("email") or ["(no name)"]
    return " ".join(w.capitalize() for w in names[0].split()) if view.identifiers.get("name") else names[0]


def name_key(value: str) -> str:
    return normalise_name(value)
