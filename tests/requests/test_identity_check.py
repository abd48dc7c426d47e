"""The identity check: a one-time code to an address the store already holds — hashed, single use,
30 minutes, 5 tries — or staff's own confirmation; an ID copy only where no code can be sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.requests import IdentityChallenge, IdentityDocument
from privacydesk.subject_requests import identity
from privacydesk.subject_requests.records import get_request, steps_of
from tests.requests.conftest import BASE_URL, People
from tests.requests.helpers import audit_actions, audit_text, code_in, open_, outbox


def _start(db: Database, keyring: Keyring, register: Register, ref: str) -> bool:
    with db.session_scope() as session:
        request = get_request(session, ref=ref)
        return identity.start_identity_check(
            session, keyring=keyring, register=register, request=request, actor="test", base_url=BASE_URL
        )


def _enter(db: Database, keyring: Keyring, ref: str, code: str, minutes_later: int = 0) -> bool:
    with db.session_scope() as session:
        request = get_request(session, ref=ref)
        return identity.verify_code(
            session,
            keyring=keyring,
            request=request,
            code=code,
            actor="anonymous",
            now=utcnow() + timedelta(minutes=minutes_later),
        )


def _code(db: Database) -> str:
    return code_in([m for m in outbox(db) if ":identity_code:" in m.key][-1].body_text)


def _status(db: Database, ref: str) -> str:
    with db.session_scope(readonly=True) as session:
        return get_request(session, ref=ref).status


def test_the_code_goes_to_the_stored_address_and_verifies_the_request_once(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="JAN.JANSEN@example.nl")
    assert _start(loaded_db, keyring, register, ref)
    [letter] = [m for m in outbox(loaded_db) if ":identity_code:" in m.key]
    assert letter.to_addr == "jan.jansen@example.nl"
    code = _code(loaded_db)
    assert _enter(loaded_db, keyring, ref, code)
    assert _status(loaded_db, ref) == "verified"
    assert not _enter(loaded_db, keyring, ref, code), "a used code works only once"


def test_only_a_keyed_hash_of_the_code_is_stored(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    _start(loaded_db, keyring, register, ref)
    code = _code(loaded_db)
    with loaded_db.session_scope(readonly=True) as session:
        row = session.execute(select(IdentityChallenge)).scalar_one()
        assert code not in row.code_hash and len(row.code_hash) == 64
    assert code not in audit_text(loaded_db)


def test_no_code_is_sent_when_the_address_given_matches_nobody(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="stranger@example.nl", name="Jan Jansen")
    assert not _start(loaded_db, keyring, register, ref)
    assert [m for m in outbox(loaded_db) if ":identity_code:" in m.key] == []
    assert _status(loaded_db, ref) == "awaiting_identity"  # the same status a known person sees
    assert not _enter(loaded_db, keyring, ref, "12345678")


def test_staff_linking_a_subject_sends_the_code_to_the_subjects_address_not_the_typed_one(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="attacker@example.com", subject_ref=people.jan)
    assert _start(loaded_db, keyring, register, ref)
    [letter] = [m for m in outbox(loaded_db) if ":identity_code:" in m.key]
    assert letter.to_addr == "jan.jansen@example.nl"


def test_a_household_address_matching_two_people_gets_no_code(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="familie@example.nl")
    assert not _start(loaded_db, keyring, register, ref)


def test_an_expired_code_is_refused(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    _start(loaded_db, keyring, register, ref)
    assert not _enter(loaded_db, keyring, ref, _code(loaded_db), minutes_later=31)
    assert _status(loaded_db, ref) == "awaiting_identity"


def test_five_wrong_codes_end_the_code_and_a_new_one_is_needed(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    _start(loaded_db, keyring, register, ref)
    right = _code(loaded_db)
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    assert not any(_enter(loaded_db, keyring, ref, wrong) for _ in range(5))
    assert not _enter(loaded_db, keyring, ref, right), "after 5 tries even the right code fails"
    assert audit_actions(loaded_db).count("identity.code_failed") == 6
    _start(loaded_db, keyring, register, ref)
    assert _enter(loaded_db, keyring, ref, _code(loaded_db))


def test_a_new_code_replaces_the_old_one(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    _start(loaded_db, keyring, register, ref)
    first = _code(loaded_db)
    _start(loaded_db, keyring, register, ref)
    assert not _enter(loaded_db, keyring, ref, first) or first == _code(loaded_db)


def test_waiting_for_the_identity_is_recorded_as_a_pause(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    _start(loaded_db, keyring, register, ref)
    assert _enter(loaded_db, keyring, ref, _code(loaded_db), minutes_later=10)
    with loaded_db.session_scope(readonly=True) as session:
        request = get_request(session, ref=ref)
        assert [s.step for s in steps_of(session, request)] == [
            "received",
            "paused",
            "code_sent",
            "resumed",
            "verified",
        ]
        assert request.paused_since is None and request.paused_seconds >= 600


def test_staff_may_confirm_the_identity_with_a_note_but_not_without(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, phone="06 87654321")
    with loaded_db.session_scope() as session:
        request = get_request(session, ref=ref)
        with pytest.raises(Refused, match="say how"):
            identity.confirm_identity(session, keyring=keyring, request=request, note="  ", actor="user:1")
    with loaded_db.session_scope() as session:
        request = get_request(session, ref=ref)
        identity.confirm_identity(
            session, keyring=keyring, request=request, note="called the number we hold", actor="user:1"
        )
    assert _status(loaded_db, ref) == "verified"
    assert "called the number" not in audit_text(loaded_db)


def test_an_id_copy_may_not_be_asked_when_a_code_can_be_sent(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, email="jan.jansen@example.nl")
    with pytest.raises(Refused, match="disproportionate"), loaded_db.session_scope() as session:
        identity.ask_for_id_copy(
            session,
            keyring=keyring,
            request=get_request(session, ref=ref),
            reason="just because",
            actor="user:1",
        )


def test_an_id_copy_is_stored_sealed_and_deleted_when_decided(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    ref = open_(loaded_db, keyring, register, phone="0687654321", subject_ref=people.phone_only)
    image = b"\x89PNG fake image bytes of a blacked-out passport"
    with loaded_db.session_scope() as session:
        request = get_request(session, ref=ref)
        identity.ask_for_id_copy(
            session, keyring=keyring, request=request, reason="no e-mail on file", actor="user:1"
        )
        doc = identity.store_id_document(
            session,
            keyring=keyring,
            request=request,
            data=image,
            content_type="image/png",
            check={"accepted": True},
            actor="anonymous",
        )
        assert image not in doc.content_enc
        assert identity.read_id_document(keyring, request, doc) == image
    with loaded_db.session_scope() as session:
        identity.decide_id_document(
            session,
            keyring=keyring,
            request=get_request(session, ref=ref),
            accept=True,
            note="photo matches the name",
            actor="user:1",
        )
    with loaded_db.session_scope(readonly=True) as session:
        assert session.execute(select(IdentityDocument)).first() is None
        assert session.execute(text("SELECT count(*) FROM identity_documents")).scalar() == 0
    assert _status(loaded_db, ref) == "verified"
    actions = audit_actions(loaded_db)
    assert "identity.document_deleted" in actions and "identity.verified" in actions
