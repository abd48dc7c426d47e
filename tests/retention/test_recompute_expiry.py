"""Events that start or move a clock update `expires_on` (recompute_expiry), and so do changed rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import update

from privacydesk.register.load import load_register, load_register_text
from privacydesk.register.model import RetentionTrigger
from privacydesk.register.service import current_register, store_register_version
from privacydesk.retention.expiry import apply_register_rules, recompute_expiry
from privacydesk.retention.plan import plan_retention
from privacydesk.retention.run import run_retention
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Subject
from tests.conftest import OCQTO_REGISTER
from tests.retention.conftest import TODAY, add_person, invoice, records_of

DELIVERY = ("delivery", "address", "delivery", {"street": "Kerkstraat 1"}, None)


def test_the_end_of_the_relationship_starts_the_relationship_clock(
    loaded_db: Database, keyring: Keyring
) -> None:
    person = add_person(loaded_db, keyring, email="a@example.nl", records=[DELIVERY])
    assert records_of(loaded_db, person)[0][2] is None  # relationship still running: no clock
    with loaded_db.session_scope() as session:
        session.execute(
            update(Subject).where(Subject.id == person.id).values(relationship_ended_on=date(2025, 3, 1))
        )
        _, register = current_register(session)
        assert recompute_expiry(session, register=register, subject_id=person.id) == 1
    assert records_of(loaded_db, person)[0][2] == date(2027, 3, 1)


def test_a_newer_contact_moves_the_correspondence_clock(loaded_db: Database, keyring: Keyring) -> None:
    call = ("call_note", "correspondence", "service_contact", {"text": "x"}, date(2023, 1, 1))
    person = add_person(loaded_db, keyring, email="b@example.nl", records=[call])
    assert records_of(loaded_db, person)[0][2] == date(2025, 1, 1)
    with loaded_db.session_scope() as session:
        session.execute(
            update(Subject).where(Subject.id == person.id).values(last_contact_on=date(2026, 5, 5))
        )
        _, register = current_register(session)
        recompute_expiry(session, register=register, record_ids=[records_of(loaded_db, person)[0][0]])
    assert records_of(loaded_db, person)[0][2] == date(2028, 5, 5)


def test_a_closed_request_starts_the_request_file_clock(loaded_db: Database, keyring: Keyring) -> None:
    doc = ("note", "email", "privacy_requests", {"text": "request"}, None)
    person = add_person(loaded_db, keyring, email="c@example.nl", records=[doc])
    with loaded_db.session_scope() as session:
        _, register = current_register(session)
        recompute_expiry(
            session,
            register=register,
            subject_id=person.id,
            events={RetentionTrigger.REQUEST_CLOSED: date(2026, 2, 2)},
        )
    assert records_of(loaded_db, person)[0][2] == date(2028, 2, 2)


def test_the_run_starts_clocks_nobody_recomputed(loaded_db: Database, keyring: Keyring) -> None:
    person = add_person(loaded_db, keyring, email="d@example.nl", records=[DELIVERY])
    with loaded_db.session_scope() as session:  # set without calling recompute_expiry
        session.execute(
            update(Subject).where(Subject.id == person.id).values(relationship_ended_on=date(2020, 1, 1))
        )
    run_retention(loaded_db, keyring=keyring, today=TODAY, actor="t")
    assert records_of(loaded_db, person) == []


def _shorter_fiscal() -> str:
    text = OCQTO_REGISTER.read_text()
    assert "duration: P7Y" in text
    return text.replace("duration: P7Y", "duration: P3Y", 1).replace(
        "statement_version:", "statement_version: x", 1
    )


def test_the_plan_shows_a_changed_rules_effect_before_it_applies_and_the_run_applies_it(
    loaded_db: Database, keyring: Keyring, tmp_path: Path
) -> None:
    person = add_person(loaded_db, keyring, email="e@example.nl", records=[invoice(1, date(2022, 5, 1))])
    candidate_file = tmp_path / "register.yaml"
    candidate_file.write_text(_shorter_fiscal())
    candidate = load_register(candidate_file).register
    with loaded_db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        plan = plan_retention(session, register=register, today=TODAY, candidate=candidate)
    assert plan.total == 0  # under the rule in force nothing is due yet (2029-12-31)
    assert plan.changes is not None
    [payment] = [c for c in plan.changes if c.purpose == "payment"]
    assert (payment.records, payment.newly_overdue, payment.earlier) == (1, 1, 1)
    with loaded_db.session_scope() as session:
        store_register_version(session, loaded=load_register_text(_shorter_fiscal(), "new.yaml"), actor="t")
        assert apply_register_rules(session) == 1
        assert apply_register_rules(session) == 0  # once per version
    assert records_of(loaded_db, person)[0][2] == date(2025, 12, 31)
    summary = run_retention(loaded_db, keyring=keyring, today=TODAY, actor="t")
    assert summary.records_anonymised == 1


def test_the_cli_plan_with_a_candidate_register_names_the_effect(
    loaded_db: Database, keyring: Keyring, tmp_path: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    add_person(loaded_db, keyring, email="f@example.nl", records=[invoice(1, date(2022, 5, 1))])
    candidate_file = tmp_path / "register.yaml"
    candidate_file.write_text(_shorter_fiscal())
    result = cli(
        "retention",
        "plan",
        "--db",
        loaded_db.url,
        "--today",
        TODAY.isoformat(),
        "--register",
        str(candidate_file),
    )
    assert result.code == 0, result.err
    assert "purpose payment: rule fiscal -> fiscal: 1 records; 1 would be overdue at once" in result.out
