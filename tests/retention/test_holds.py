"""Legal holds: held data is never erased, lifting needs the lift_hold permission, the hold is visible."""

from __future__ import annotations

import json
from datetime import date

import pytest

from privacydesk import audit, auth
from privacydesk.errors import Refused, UnusableInput
from privacydesk.retention import holds
from privacydesk.retention.run import run_retention
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from tests.conftest import Person as Staff
from tests.retention.conftest import TODAY, add_person, exists, invoice, records_of


def test_a_held_subject_is_not_touched_by_retention(loaded_db: Database, keyring: Keyring) -> None:
    held = add_person(loaded_db, keyring, email="held@example.nl", records=[invoice(1, date(2015, 1, 1))])
    with loaded_db.session_scope() as session:
        holds.place_hold(session, subject_ref=held.ref, reason="claim 2027-14", today=TODAY, actor="user:1")
    summary = run_retention(loaded_db, keyring=keyring, today=TODAY, actor="t")
    assert exists(loaded_db, held) and len(records_of(loaded_db, held)) == 1
    assert summary.records_held == 1


def test_a_held_record_stays_while_the_subjects_other_expired_records_go(
    loaded_db: Database, keyring: Keyring
) -> None:
    person = add_person(
        loaded_db,
        keyring,
        email="p@example.nl",
        records=[invoice(1, date(2015, 1, 1)), invoice(2, date(2015, 2, 1))],
    )
    first = records_of(loaded_db, person)[0][0]
    with loaded_db.session_scope() as session:
        holds.place_hold(
            session, record_id=first, reason="audit by the tax office", today=TODAY, actor="user:1"
        )
    run_retention(loaded_db, keyring=keyring, today=TODAY, actor="t")
    assert [r[0] for r in records_of(loaded_db, person)] == [first]


def test_an_ended_hold_no_longer_protects(loaded_db: Database, keyring: Keyring) -> None:
    person = add_person(loaded_db, keyring, email="e@example.nl", records=[invoice(1, date(2015, 1, 1))])
    with loaded_db.session_scope() as session:  # ended in the past, by the database's clock too
        holds.place_hold(
            session,
            subject_ref=person.ref,
            reason="r",
            ends_on=date(2021, 1, 1),
            today=date(2020, 1, 1),
            actor="u",
        )
    run_retention(loaded_db, keyring=keyring, today=TODAY, actor="t")
    assert not exists(loaded_db, person)


def test_the_database_itself_refuses_to_erase_held_data_whatever_code_tries(
    loaded_db: Database, keyring: Keyring
) -> None:
    from sqlalchemy.exc import DatabaseError

    from privacydesk import subjects

    person = add_person(loaded_db, keyring, email="g@example.nl", records=[invoice(1, date(2025, 1, 1))])
    with loaded_db.session_scope() as session:
        holds.place_hold(session, subject_ref=person.ref, reason="court order", today=TODAY, actor="u")
    for erase in (subjects.delete_subject, subjects.destroy_subject_key):
        with pytest.raises(DatabaseError, match="under a legal hold"), loaded_db.session_scope() as session:
            erase(session, subject_id=person.id, actor="user:9")
    record_id = records_of(loaded_db, person)[0][0]
    with pytest.raises(DatabaseError, match="under a legal hold"), loaded_db.session_scope() as session:
        subjects.delete_record(session, record_id=record_id, actor="user:9")
    assert exists(loaded_db, person) and len(records_of(loaded_db, person)) == 1


def test_an_erasure_request_is_refused_while_a_hold_binds(loaded_db: Database, keyring: Keyring) -> None:
    person = add_person(loaded_db, keyring, email="r@example.nl", records=[invoice(1, date(2025, 1, 1))])
    with loaded_db.session_scope() as session:
        hold = holds.place_hold(session, subject_ref=person.ref, reason="court order", today=TODAY, actor="u")
        with pytest.raises(Refused, match=f"hold {hold.id}: subject:{person.ref}"):
            holds.refuse_if_held(session, subject_id=person.id, today=TODAY)
        assert [h.reason for h in holds.holds_on_subject(session, subject_id=person.id, today=TODAY)] == [
            "court order"
        ]


def test_lifting_needs_the_lift_hold_permission_and_is_audited(
    loaded_db: Database, keyring: Keyring, staff: Staff, privacy_officer: Staff
) -> None:
    person = add_person(loaded_db, keyring, email="l@example.nl", records=[invoice(1, date(2025, 1, 1))])
    with loaded_db.session_scope() as session:
        hold = holds.place_hold(
            session, subject_ref=person.ref, reason="claim", today=TODAY, actor=f"user:{staff.id}"
        )
        with pytest.raises(Refused, match="lift_hold"):
            holds.lift_hold(
                session, hold_id=hold.id, reason="done", role=auth.Role.STAFF, actor=f"user:{staff.id}"
            )
        holds.lift_hold(
            session,
            hold_id=hold.id,
            reason="claim settled",
            role=auth.Role.PRIVACY_OFFICER,
            actor=f"user:{privacy_officer.id}",
        )
        assert holds.list_holds(session, today=TODAY) == []
        entry = audit.search_audit(session, action="hold.lifted")[0]
        assert entry.target_id == person.ref and entry.reason == "claim settled"


def test_a_hold_needs_a_reason_and_a_target(loaded_db: Database) -> None:
    with loaded_db.session_scope() as session:
        with pytest.raises(UnusableInput, match="reason"):
            holds.place_hold(session, subject_ref="x", reason=" ", today=TODAY, actor="u")
        with pytest.raises(UnusableInput, match="either a subject or a record"):
            holds.place_hold(session, reason="r", today=TODAY, actor="u")


def test_the_cli_places_lists_and_lifts_holds(
    loaded_db: Database, keyring: Keyring, staff: Staff, cli
) -> None:  # type: ignore[no-untyped-def]
    person = add_person(loaded_db, keyring, email="c@example.nl", records=[invoice(1, date(2025, 1, 1))])
    placed = cli(
        "hold",
        "place",
        "--subject",
        person.ref,
        "--reason",
        "claim 7",
        "--user",
        staff.email,
        "--db",
        loaded_db.url,
        "--json",
    )
    assert placed.code == 0, placed.err
    hold_id = json.loads(placed.out)["hold"]
    listed = json.loads(cli("hold", "list", "--db", loaded_db.url, "--json").out)
    assert [(h["id"], h["target"], h["active"]) for h in listed] == [(hold_id, f"subject:{person.ref}", True)]
    refused = cli("hold", "lift", str(hold_id), "--reason", "x", "--user", staff.email, "--db", loaded_db.url)
    assert refused.code == 1 and "lift_hold" in refused.err
    lifted = cli("hold", "lift", str(hold_id), "--reason", "settled", "--db", loaded_db.url)
    assert lifted.code == 0, lifted.err
    unknown = cli("hold", "place", "--subject", "nope", "--reason", "r", "--db", loaded_db.url)
    assert unknown.code == 1 and "no such subject" in unknown.err
