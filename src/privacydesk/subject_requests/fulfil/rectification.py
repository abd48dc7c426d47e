"""Rectification (art. 16): corrections applied with the old values kept in history; every
recipient that received a corrected category is listed for notification (art. 19)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound, UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.subjects import Identifier, Record, Subject
from privacydesk.subject_requests.fulfil.load import get_live_subject, identifier_pairs
from privacydesk.subject_requests.fulfil.recipients import received_by
from privacydesk.subject_requests.fulfil.result import Result, Summary
from privacydesk.subjects import add_identifiers, rectify_record, subject_key

# The register category an identifier of each kind belongs to.
IDENTIFIER_CATEGORY = {
    "email": "email",
    "phone": "phone",
    "iban": "bank_account",
    "name": "name",
    "address": "address",
    "postcode": "address",
}


def _own_record(session: Session, subject: Subject, record_id: int) -> Record:
    record = session.get(Record, record_id)
    if record is None or record.subject_id != subject.id:
        raise NotFound(f"record {record_id} is not one of this subject's records", hint="check the record id")
    if record.message_id is not None:
        raise UnusableInput(f"record {record_id} is a message", hint="correspondence is kept as it was sent")
    return record


def _normalised(kind: str, value: str) -> str:
    try:
        return normalise(kind, value)
    except InvalidIdentifier as exc:
        raise UnusableInput(f"new {exc.field}: {exc.reason}", hint="give a valid value") from None


def _replace_identifier(
    session: Session, keyring: Keyring, subject: Subject, kind: str, old: str, new: str
) -> None:
    """Swap one identifier value; a changed name also gets its searchable words rebuilt."""
    old_index = keyring.blind_index(kind, _normalised(kind, old))
    doomed = [Identifier.kind == kind, Identifier.blind_index == old_index]
    if (
        session.execute(select(Identifier.id).where(Identifier.subject_id == subject.id, *doomed)).first()
        is None
    ):
        raise NotFound(f"this subject has no {kind} with the old value", hint="check the value to correct")
    session.execute(delete(Identifier).where(Identifier.subject_id == subject.id, *doomed))
    names: list[tuple[str, str]] = []
    if kind == "name":
        session.execute(
            delete(Identifier).where(Identifier.subject_id == subject.id, Identifier.kind == "name_token")
        )
        dek = subject_key(session, keyring=keyring, subject=subject)
        names = [p for p in identifier_pairs(session, dek=dek, subject=subject) if p[0] == "name"]
    add_identifiers(session, keyring=keyring, subject=subject, pairs=[(kind, _normalised(kind, new)), *names])


def _fix_record(
    session: Session, keyring: Keyring, subject: Subject, record_id: int, changes: dict[str, Any], actor: str
) -> tuple[str, str]:
    record = _own_record(session, subject, record_id)
    rectify_record(session, keyring=keyring, record_id=record.id, changes=changes, actor=actor)
    return record.purpose, record.category


def fulfil_rectification(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int,
    records: dict[int, dict[str, Any]] | None = None,
    identifiers: list[tuple[str, str, str]] | None = None,
    actor: str,
) -> Result:
    """Apply `records` ({record id: {field: new value}}) and `identifiers` ([(kind, old, new)])."""
    subject = get_live_subject(session, subject_id)
    if not records and not identifiers:
        raise UnusableInput("nothing to correct", hint="name a record and its fields, or an identifier")
    changed: list[tuple[str, str]] = []
    fields: list[str] = []
    for record_id, changes in sorted((records or {}).items()):
        changed.append(_fix_record(session, keyring, subject, record_id, changes, actor))
        fields += [f"{changed[-1][1]}.{name}" for name in sorted(changes)]
    for kind, old, new in identifiers or []:
        _replace_identifier(session, keyring, subject, kind, old, new)
        fields.append(kind)
        changed += _held_as(session, subject, IDENTIFIER_CATEGORY.get(kind, kind))
    audit.record(
        session,
        action=audit.Action.RECORD_RECTIFIED,
        actor=actor,
        target_type="subject",
        target_id=subject.ref,
        details={"fields": fields},
    )
    notify = sorted(received_by(register, changed))
    summary = Summary(
        request_type="rectification", subject_ref=subject.ref, changed_fields=fields, notify_recipients=notify
    )
    return Result(files=[], summary=summary)


def _held_as(session: Session, subject: Subject, category: str) -> list[tuple[str, str]]:
    """(purpose, category) for every purpose that holds `category` of this subject."""
    purposes = session.execute(
        select(Record.purpose).where(Record.subject_id == subject.id, Record.category == category).distinct()
    ).scalars()
    return [(p, category) for p in purposes]
