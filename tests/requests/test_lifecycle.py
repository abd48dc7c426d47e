"""Extending, refusing and closing a request; its steps are append-only proof."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from privacydesk.errors import InvalidTransition, Refused
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests import lifecycle
from privacydesk.subject_requests.records import get_request
from tests.requests.conftest import People
from tests.requests.helpers import audit_actions, open_, outbox


def _extend(db: Database, keyring: Keyring, register: Register, ref: str, months: int, today: date) -> None:
    with db.session_scope() as session:
        lifecycle.extend_request(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            months=months,
            reason="Je verzoek betreft veel correspondentie.",
            today=today,
            actor="user:1",
        )


def test_an_extension_within_the_first_month_moves_the_legal_deadline_and_sends_a_letter(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    ref = open_(loaded_db, keyring, register, email="a@example.nl")
    with loaded_db.session_scope(readonly=True) as session:
        received = get_request(session, ref=ref).received_on
    _extend(loaded_db, keyring, register, ref, 2, received + timedelta(days=3))
    with loaded_db.session_scope(readonly=True) as session:
        c = lifecycle.clocks_of(get_request(session, ref=ref), received)
    assert c.legal >= received + timedelta(days=89) and c.due == c.legal
    [letter] = [m for m in outbox(loaded_db) if ":extension:" in m.key]
    assert "veel correspondentie" in letter.body_text and "Autoriteit Persoonsgegevens" in letter.body_text
    assert "request.extended" in audit_actions(loaded_db)


def test_an_extension_after_the_first_month_is_refused(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    ref = open_(loaded_db, keyring, register, email="a@example.nl")
    with pytest.raises(Refused, match="first month has already ended"):
        _extend(loaded_db, keyring, register, ref, 1, date.today() + timedelta(days=40))


def test_a_refusal_needs_reasons_and_its_letter_names_the_complaint_route(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    ref = open_(loaded_db, keyring, register, email="a@example.nl", lang="en")
    with pytest.raises(Refused, match="needs its reasons"), loaded_db.session_scope() as session:
        lifecycle.refuse_request(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            reason=" ",
            actor="user:1",
        )
    with loaded_db.session_scope() as session:
        lifecycle.refuse_request(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            reason="The request is manifestly unfounded (art. 12(5)).",
            actor="user:1",
        )
    [letter] = [m for m in outbox(loaded_db) if ":refusal" in m.key]
    assert "manifestly unfounded" in letter.body_text
    assert "lodge a complaint with the Autoriteit Persoonsgegevens" in letter.body_text
    assert "autoriteitpersoonsgegevens.nl" in letter.body_text


def test_an_open_request_cannot_be_closed_without_an_answer(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    ref = open_(loaded_db, keyring, register, email="a@example.nl")
    with pytest.raises(InvalidTransition), loaded_db.session_scope() as session:
        lifecycle.close_request(
            session, keyring=keyring, request=get_request(session, ref=ref), actor="user:1"
        )


def test_request_steps_cannot_be_changed_or_deleted(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    open_(loaded_db, keyring, register, email="a@example.nl")
    for statement in ("UPDATE request_steps SET step = 'forged'", "DELETE FROM request_steps"):
        with pytest.raises(DatabaseError, match="append-only"), loaded_db.session_scope() as session:
            session.execute(text(statement))


def test_the_queue_lists_overdue_requests_first(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    from datetime import UTC, datetime

    from privacydesk.subject_requests.domain import Channel
    from privacydesk.subject_requests.intake import Intake, open_request

    with loaded_db.session_scope() as session:
        for days_ago in (3, 40, 25):
            open_request(
                session,
                keyring=keyring,
                register=register,
                actor="test",
                base_url="https://x",
                intake=Intake(kinds=["access"], channel=Channel.STAFF, email=f"q{days_ago}@example.nl"),
                received_at=datetime.now(UTC) - timedelta(days=days_ago),
            )
    with loaded_db.session_scope(readonly=True) as session:
        queue = lifecycle.list_requests(session, today=date.today())
        overdue = lifecycle.list_requests(session, today=date.today(), overdue_only=True)
    assert [i.clocks.urgency.value for i in queue] == ["overdue", "nearly_due", "on_track"]
    assert len(overdue) == 1 and overdue[0].clocks.days_left < 0
