"""store_messages: each message stored once, sealed, and linked to each subject it is about."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from privacydesk.correspondence import Link, MessageIn, read_message, store_messages
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.subjects import Message, Record, Subject
from privacydesk.subjects import create_subject

TODAY = date(2026, 3, 1)


def _customer(db: Database, keyring: Keyring, register: Register, email: str) -> Link:
    with db.session_scope() as session:
        subject = create_subject(
            session,
            keyring=keyring,
            register=register,
            subject_type="customer",
            identifiers={"email": [email]},
            actor="test",
        )
        return Link(subject.id, subject.ref, "sender", "service_contact")


def _message(n: int) -> MessageIn:
    sent = datetime(2026, 2, n, 9, 0, tzinfo=UTC)
    return MessageIn(f"fp{n}", sent, "in", "email", {"subject": f"Vraag {n}", "body": f"tekst {n}"})


def _store(db: Database, keyring: Keyring, register: Register, messages, audit_each=False):  # type: ignore[no-untyped-def]
    with db.session_scope() as session:
        return store_messages(
            session,
            keyring=keyring,
            register=register,
            messages=messages,
            today=TODAY,
            actor="test",
            audit_each=audit_each,
        )


def _count(db: Database, model: type) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_batch_is_stored_once_and_a_second_time_adds_nothing(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    jan = _customer(loaded_db, keyring, register, "jan@example.nl")
    piet = _customer(loaded_db, keyring, register, "piet@example.nl")
    batch = [(_message(1), [jan, piet._replace(role="recipient")]), (_message(2), [piet])]
    first = _store(loaded_db, keyring, register, batch)
    again = _store(loaded_db, keyring, register, batch)
    assert [(s.new, s.links) for s in first] == [(True, 2), (True, 1)]
    assert [(s.new, s.links) for s in again] == [(False, 0), (False, 0)]
    assert [s.message_id for s in again] == [s.message_id for s in first]
    assert (_count(loaded_db, Message), _count(loaded_db, Record)) == (2, 3)


def test_a_message_twice_in_one_batch_is_one_message_with_the_links_of_both(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    jan = _customer(loaded_db, keyring, register, "jan@example.nl")
    piet = _customer(loaded_db, keyring, register, "piet@example.nl")
    stored = _store(loaded_db, keyring, register, [(_message(3), [jan]), (_message(3), [jan, piet])])
    assert [(s.new, s.links) for s in stored] == [(True, 1), (False, 1)]
    assert stored[0].message_id == stored[1].message_id
    assert _count(loaded_db, Message) == 1


def test_a_subject_linked_later_reads_the_same_message_under_their_own_key(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    jan = _customer(loaded_db, keyring, register, "jan@example.nl")
    piet = _customer(loaded_db, keyring, register, "piet@example.nl")
    _store(loaded_db, keyring, register, [(_message(4), [jan])])
    [later] = _store(loaded_db, keyring, register, [(_message(4), [jan, piet])])
    assert (later.new, later.links) == (False, 1)
    with loaded_db.session_scope() as session:
        records = session.scalars(select(Record).where(Record.message_id == later.message_id)).all()
        contents = [read_message(session, keyring=keyring, record=r) for r in records]
        assert [c["subject"] for c in contents] == ["Vraag 4", "Vraag 4"]
        assert {r.event_on for r in records} == {date(2026, 2, 4)}
        assert session.get(Subject, piet.subject_id) is not None


def test_each_link_is_audited_unless_the_import_audits_the_file(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    jan = _customer(loaded_db, keyring, register, "jan@example.nl")
    before = _count(loaded_db, AuditEntry)
    _store(loaded_db, keyring, register, [(_message(5), [jan])], audit_each=False)
    assert _count(loaded_db, AuditEntry) == before
    _store(loaded_db, keyring, register, [(_message(6), [jan])], audit_each=True)
    with loaded_db.session_scope() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
        assert (last.action, last.details["subject"]) == ("record.created", jan.subject_ref)
