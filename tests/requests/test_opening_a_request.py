"""Opening a request: it lands in the queue, is matched to exactly one subject or none, and is
acknowledged in words that do not reveal whether we know the person."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.store.models.subjects import Subject
from privacydesk.subject_requests.records import get_request
from tests.requests.conftest import People
from tests.requests.helpers import audit_actions, audit_text, open_, outbox


def _linked(db: Database, ref: str) -> tuple[str | None, int]:
    with db.session_scope(readonly=True) as session:
        request = get_request(session, ref=ref)
        subject = session.get(Subject, request.subject_id) if request.subject_id else None
        return (subject.ref if subject else None), request.matches


def test_a_request_by_a_known_email_is_linked_to_that_subject(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="Jan.Jansen@Example.nl", kinds=["access", "erasure"])
    assert _linked(loaded_db, ref) == (people.jan, 1)
    with loaded_db.session_scope(readonly=True) as session:
        request = get_request(session, ref=ref)
        assert (request.status, request.kinds) == ("received", ["access", "erasure"])


def test_request_references_are_random_128_bit_hex(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    refs = {open_(loaded_db, keyring, register, email=f"p{n}@example.nl") for n in range(5)}
    assert len(refs) == 5
    assert all(re.fullmatch(r"[0-9a-f]{32}", r) for r in refs)


def test_a_shared_household_address_is_narrowed_by_the_name_given(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="familie@example.nl", name="Marie de Vries")
    assert _linked(loaded_db, ref) == (people.marie, 1)


def test_a_shared_household_address_without_a_name_links_nobody(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="familie@example.nl")
    assert _linked(loaded_db, ref) == (None, 2)


def test_a_shared_name_never_links_the_namesake(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="j.jansen@example.org", name="Jan Jansen")
    assert _linked(loaded_db, ref) == (people.jan_namesake, 1)


def test_known_and_unknown_requesters_get_the_same_acknowledgement(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    known = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    unknown = open_(loaded_db, keyring, register, email="nobody@example.nl")
    letters = {m.to_addr: m for m in outbox(loaded_db) if "acknowledgement" in m.key}
    a, b = letters["jan.jansen@example.nl"], letters["nobody@example.nl"]
    assert a.body_text.replace(known, "REF").replace(known[:8], "REF") == b.body_text.replace(
        unknown, "REF"
    ).replace(unknown[:8], "REF")
    assert "Autoriteit" not in a.body_text and "4 weken" not in a.body_text
    assert "hallo@ocqto.nl" in a.body_text  # the register's contact details


def test_the_requester_details_are_sealed_and_the_audit_holds_no_personal_data(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    open_(
        loaded_db,
        keyring,
        register,
        email="jan.jansen@example.nl",
        name="Jan Jansen",
        message="Ik wil inzage",
    )
    with loaded_db.session_scope(readonly=True) as session:
        request = session.execute(select(SubjectRequest)).scalar_one()
        assert request.details_enc is not None and b"jan" not in request.details_enc.lower()
    text = audit_text(loaded_db).lower()
    assert "jan" not in text and "inzage" not in text
    assert "request.received" in audit_actions(loaded_db)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"email": "not-an-address"}, "field 'email'"),
        ({"email": "a@example.nl", "kinds": ["everything"]}, "unknown request type 'everything'"),
        ({"email": "a@example.nl", "kinds": []}, "at least one type"),
        ({}, "an e-mail address or a phone number"),
    ],
)
def test_unusable_input_is_refused_with_the_field_named(
    loaded_db: Database, keyring: Keyring, register: Register, values: dict[str, object], message: str
) -> None:
    with pytest.raises(UnusableInput, match=re.escape(message)):
        open_(loaded_db, keyring, register, **values)
    assert outbox(loaded_db) == []


def test_a_shared_phone_number_links_nobody_unless_the_name_narrows_it(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    shared = open_(loaded_db, keyring, register, phone="+31 6 12345678")
    narrowed = open_(loaded_db, keyring, register, phone="06-12345678", name="Piet de Vries")
    assert _linked(loaded_db, shared) == (None, 2)
    assert _linked(loaded_db, narrowed) == (people.piet, 1)
