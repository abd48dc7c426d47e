"""Read one subject's data from the store, decrypted, as plain values (SubjectData).

Message link records are turned into messages; the message keys they hold never leave here.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.correspondence import read_message
from privacydesk.errors import NotFound
from privacydesk.register.model import Source
from privacydesk.store.crypto import Keyring, open_json
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.subjects import Identifier, Message, Record, RecordHistory, Subject
from privacydesk.subject_requests.fulfil.subject_data import (
    HistoryData,
    LogData,
    MessageData,
    OthersData,
    RecordData,
    SubjectData,
)
from privacydesk.subjects import record_aad, subject_key


def get_live_subject(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None or subject.erased_at is not None:
        raise NotFound(
            "no such subject", hint="check the request's subject; erased subjects have no data left"
        )
    return subject


def identifier_pairs(session: Session, *, dek: bytes, subject: Subject) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Identifier.kind, Identifier.value_enc)
        .where(Identifier.subject_id == subject.id, Identifier.value_enc.is_not(None))
        .order_by(Identifier.id)
    ).all()
    return [
        (kind, str(open_json(dek, blob, f"id:{subject.ref}:{kind}".encode()))) for kind, blob in rows if blob
    ]


def _record(record: Record, payload: dict[str, Any]) -> RecordData:
    return RecordData(
        record.id,
        record.kind,
        record.category,
        record.purpose,
        record.source,
        record.created_at,
        record.event_on,
        record.expires_on,
        record.restricted,
        payload,
    )


def _message(session: Session, keyring: Keyring, record: Record, link: dict[str, Any]) -> MessageData:
    message = session.get(Message, record.message_id)
    assert message is not None
    content = read_message(session, keyring=keyring, record=record)
    to = content.get("to") or []
    return MessageData(
        message.id,
        message.sent_at or message.created_at,
        message.direction,
        message.channel,
        str(link.get("role", "")),
        str(content.get("subject", "")),
        str(content.get("body", "")),
        str(content.get("from", "")),
        [str(a) for a in (to if isinstance(to, list) else [to])],
        list(content.get("attachments") or []),
    )


def _others(session: Session, subject: Subject, records: list[RecordData]) -> OthersData:
    owned = session.execute(
        select(func.count(Subject.id), func.min(Subject.created_at), func.max(Subject.created_at)).where(
            Subject.owner_id == subject.id
        )
    ).one()
    dates: list[date] = sorted({d.date() for d in (owned[1], owned[2]) if d is not None})
    from_list = subject.owner_id is not None or any(r.source == Source.CUSTOMER_APP_IMPORT for r in records)
    return OthersData(
        contacts_from_their_list=int(owned[0]), contact_list_imported_on=dates, owner_withheld=from_list
    )


def consent_records(session: Session, *, subject_id: int) -> list[dict[str, Any]]:
    """The person's consent events from the consent ledger, when that part is installed."""
    try:
        ledger = importlib.import_module("privacydesk.consent.ledger")
    except ImportError:
        return []
    found: list[dict[str, Any]] = ledger.export_for_subject(session, subject_id=subject_id)
    return found


def _history(session: Session, dek: bytes, subject: Subject, kinds: dict[int, str]) -> list[HistoryData]:
    rows = session.execute(
        select(RecordHistory).where(RecordHistory.record_id.in_(list(kinds))).order_by(RecordHistory.id)
    ).scalars()
    out = []
    for h in rows:
        old = (
            open_json(dek, h.old_payload_enc, record_aad(subject, kinds[h.record_id]))
            if h.old_payload_enc
            else {}
        )
        out.append(
            HistoryData(
                h.record_id, h.changed_at, h.changed_fields.split(","), old if isinstance(old, dict) else {}
            )
        )
    return out


def _log(session: Session, subject: Subject, record_ids: list[int]) -> list[LogData]:
    targets = or_(
        audit.about_subject(subject.ref),
        and_(AuditEntry.target_type == "record", AuditEntry.target_id.in_([str(i) for i in record_ids])),
    )
    rows = session.execute(
        select(AuditEntry.at, AuditEntry.action).where(targets).order_by(AuditEntry.seq)
    ).all()
    known = {a.value: a.description for a in audit.Action}
    return [LogData(at, action, known.get(action, action)) for at, action in rows]


def load_subject_data(session: Session, *, keyring: Keyring, subject_id: int) -> SubjectData:
    """Everything the store holds about `subject_id`, decrypted."""
    subject = get_live_subject(session, subject_id)
    dek = subject_key(session, keyring=keyring, subject=subject)
    rows = session.execute(
        select(Record).where(Record.subject_id == subject.id).order_by(Record.id)
    ).scalars()
    records, messages, kinds = [], [], {}
    for row in rows:
        kinds[row.id] = row.kind
        payload = open_json(dek, row.payload_enc, record_aad(subject, row.kind)) if row.payload_enc else {}
        payload = payload if isinstance(payload, dict) else {"value": payload}
        if row.message_id is not None:
            messages.append(_message(session, keyring, row, payload))
        else:
            records.append(_record(row, payload))
    return SubjectData(
        subject.ref,
        subject.subject_type,
        subject.created_at,
        identifier_pairs(session, dek=dek, subject=subject),
        records,
        messages,
        _others(session, subject, records),
        subject.restricted,
        subject.objected_marketing,
        consent_records(session, subject_id=subject.id),
        _history(session, dek, subject, {i: k for i, k in kinds.items() if k != "message"}),
        _log(session, subject, list(kinds)),
    )
