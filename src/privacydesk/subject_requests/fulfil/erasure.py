"""Erasure (GDPR art. 17): delete everything no legal duty requires; keep the rest restricted.

Steps:
1. split the records: kept (legal retention duty or hold: restricted, scheduled to go when the
   duty ends) and erased (deleted now, with their history and orphaned messages);
2. put the person's e-mail addresses on the suppression list (a keyed hash only) and withdraw
   every consent, so they are never re-added to marketing;
3. open an OpenDSR erasure task for each processor that received an erased category, and list
   every recipient to notify (art. 19);
4. end the contact list the person gave us (its entries expire, the retention run deletes them);
5. delete every identifier; mark the subject erased; destroy the data key when nothing
   encrypted is left (crypto-shredding); delete earlier export files and end their links.
When the caller commits, SQLite's WAL is emptied (`wipe.scrub_storage`, see wipe.py); on
PostgreSQL call `scrub_storage(engine)` when a vacuum suits (autovacuum does it otherwise).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, event, exists, select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.consent import ledger
from privacydesk.consent.suppression import suppress
from privacydesk.register.model import RecipientRole, Register, RetentionTrigger, Source
from privacydesk.register.retention import expiry_date, rule_for
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.fulfilment import ProcessorTask
from privacydesk.store.models.subjects import Identifier, Message, Record, RecordHistory, Subject
from privacydesk.subject_requests.fulfil.downloads import revoke_downloads_of
from privacydesk.subject_requests.fulfil.holds import held_record_ids
from privacydesk.subject_requests.fulfil.load import get_live_subject, identifier_pairs
from privacydesk.subject_requests.fulfil.opendsr import erasure_request
from privacydesk.subject_requests.fulfil.plan import Keep, plan_erasure
from privacydesk.subject_requests.fulfil.recipients import received_by
from privacydesk.subject_requests.fulfil.result import Erased, Kept, Result, Summary
from privacydesk.subject_requests.fulfil.wipe import remove_exports, scrub_storage
from privacydesk.subjects import destroy_subject_key, subject_key


def _counts(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for pair in pairs:
        out[pair] = out.get(pair, 0) + 1
    return out


def _delete_records(session: Session, erase: list[Record], *, subject_ref: str, actor: str) -> None:
    ids = [r.id for r in erase]
    message_ids = [r.message_id for r in erase if r.message_id is not None]
    session.execute(delete(RecordHistory).where(RecordHistory.record_id.in_(ids)))
    session.execute(delete(Record).where(Record.id.in_(ids)))
    linked = exists(select(Record.id).where(Record.message_id == Message.id))
    session.execute(delete(Message).where(Message.id.in_(message_ids), ~linked))
    for record_id in ids:
        audit.record(
            session,
            action=audit.Action.RECORD_DELETED,
            actor=actor,
            target_type="record",
            target_id=record_id,
            details={"subject": subject_ref, "why": "erasure"},
        )


def _restrict(session: Session, keep: list[Keep], *, actor: str) -> None:
    for item in keep:
        record = item.record
        record.restricted, record.restricted_reason = True, item.reason[:200]
        if item.until is not None:
            record.expires_on = item.until
        audit.record(
            session,
            action=audit.Action.RECORD_RESTRICTED,
            actor=actor,
            target_type="record",
            target_id=record.id,
            reason=item.reason[:500],
            details={"why": "erasure"},
        )


def _tasks(
    session: Session,
    register: Register,
    received: dict[str, set[str]],
    identities: list[tuple[str, str]],
    *,
    subject_ref: str,
    request_ref: str | None,
    submitted: datetime,
    actor: str,
) -> list[str]:
    opened = []
    for key, categories in sorted(received.items()):
        recipient = register.recipient(key)
        if recipient is None or recipient.role != RecipientRole.PROCESSOR:
            continue
        body = erasure_request(
            identities=identities, submitted_time=submitted, processor_key=key, categories=sorted(categories)
        )
        task = ProcessorTask(recipient_key=key, subject_ref=subject_ref, request_ref=request_ref, body=body)
        session.add(task)
        session.flush()
        audit.record(
            session,
            action=audit.Action.PROCESSOR_TASK_CREATED,
            actor=actor,
            target_type="processor_task",
            target_id=task.id,
            details={"recipient": key, "subject": subject_ref},
        )
        opened.append(key)
    return opened


def _marketing_stop(
    session: Session, subject: Subject, identities: list[tuple[str, str]], actor: str
) -> bool:
    emails = [value for kind, value in identities if kind == "email"]
    for email in emails:
        suppress(session, email=email, reason="erasure", actor=actor)
    ledger.withdraw_all(session, subject_id=subject.id, channel=ledger.Channel.STAFF, actor=actor)
    subject.objected_marketing = True
    return bool(emails)


def _end_contact_list(session: Session, register: Register, subject: Subject, today: date) -> int:
    """The contact list the person gave us served them alone: its people's relationship with us
    ends today, and their records' clocks that run from that end start now (the retention run
    deletes what is due). Returns how many people that concerns."""
    owned = select(Subject.id).where(Subject.owner_id == subject.id)
    count = len(session.execute(owned).all())
    if not count:
        return 0
    session.execute(
        update(Subject)
        .where(Subject.owner_id == subject.id, Subject.relationship_ended_on.is_(None))
        .values(relationship_ended_on=today)
    )
    for p in register.purposes:
        rule = rule_for(register, p.key)
        if rule is not None and rule.starts == RetentionTrigger.END_OF_RELATIONSHIP:
            session.execute(
                update(Record)
                .where(
                    Record.subject_id.in_(owned),
                    Record.purpose == p.key,
                    Record.source == Source.CUSTOMER_APP_IMPORT.value,
                )
                .values(expires_on=expiry_date(rule, event_on=today))
            )
    return count


def _forget(session: Session, subject: Subject, *, keep: list[Keep], today: date, actor: str) -> bool:
    session.execute(delete(Identifier).where(Identifier.subject_id == subject.id))
    subject.erased_at, subject.restricted = utcnow(), True
    subject.relationship_ended_on = subject.relationship_ended_on or today
    if keep:
        return False
    destroy_subject_key(session, subject_id=subject.id, actor=actor)
    return True


def fulfil_erasure(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int,
    today: date,
    out_dir: Path,
    actor: str,
    request_ref: str | None = None,
    submitted: datetime | None = None,
) -> Result:
    """Erase `subject_id` (see the module's steps); the summary says what went and what stayed."""
    subject = get_live_subject(session, subject_id)
    dek = subject_key(session, keyring=keyring, subject=subject)
    identities = identifier_pairs(session, dek=dek, subject=subject)
    records = list(session.execute(select(Record).where(Record.subject_id == subject.id)).scalars())
    held = held_record_ids(session, subject_id=subject.id, today=today)
    keep, erase = plan_erasure(register, records, held=held, today=today)
    received = received_by(register, [(r.purpose, r.category) for r in erase])
    summary = Summary(
        request_type="erasure",
        subject_ref=subject.ref,
        kept=_kept(keep),
        erased=_erased(erase),
        notify_recipients=sorted(received),
    )
    summary.suppressed = _marketing_stop(session, subject, identities, actor)
    summary.processor_tasks = _tasks(
        session,
        register,
        received,
        identities,
        subject_ref=subject.ref,
        request_ref=request_ref,
        submitted=submitted or utcnow(),
        actor=actor,
    )
    _delete_records(session, erase, subject_ref=subject.ref, actor=actor)
    _restrict(session, keep, actor=actor)
    summary.contacts_ended = _end_contact_list(session, register, subject, today)
    summary.key_destroyed = _forget(session, subject, keep=keep, today=today, actor=actor)
    revoke_downloads_of(session, paths=remove_exports(out_dir, subject.ref))
    session.flush()
    _scrub_after_commit(session)
    return Result(files=[], summary=summary)


def _scrub_after_commit(session: Session) -> None:
    """On SQLite, empty the WAL as soon as the caller commits (the erased pages leave it then)."""
    engine = session.get_bind()
    if isinstance(engine, Engine) and engine.dialect.name == "sqlite":
        event.listen(session, "after_commit", lambda _s: scrub_storage(engine), once=True)


def _erased(erase: list[Record]) -> list[Erased]:
    counts = _counts([(r.purpose, r.category) for r in erase])
    return [Erased(category, purpose, n) for (purpose, category), n in sorted(counts.items())]


def _kept(keep: list[Keep]) -> list[Kept]:
    groups: dict[tuple[str, str, str], list[Keep]] = {}
    for item in keep:
        groups.setdefault((item.record.category, item.record.purpose, item.reason), []).append(item)
    out = []
    for (category, purpose, reason), items in sorted(groups.items()):
        untils = [i.until for i in items if i.until is not None]
        until = max(untils) if untils and len(untils) == len(items) else None
        out.append(Kept(category, purpose, len(items), reason, until))
    return out
