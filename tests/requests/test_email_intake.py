"""Requests by e-mail: Dutch and English wording is recognised, a draft is opened for staff to
confirm, the same message twice opens one draft, and ordinary mail is left alone."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests.domain import RequestKind
from privacydesk.subject_requests.intake import confirm_draft
from privacydesk.subject_requests.mailintake import intake_email, recognise
from privacydesk.subject_requests.records import get_request
from tests.requests.conftest import BASE_URL, People
from tests.requests.helpers import outbox


def eml(
    body: str,
    subject: str = "Vraag",
    sender: str = "Jan Jansen <jan.jansen@example.nl>",
    message_id: str = "<m1@example.nl>",
) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, "hallo@ocqto.nl", subject
    mail["Message-ID"], mail["Date"] = message_id, format_datetime(datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    mail.set_content(body)
    return bytes(mail)


@pytest.mark.parametrize(
    ("subject", "body", "kinds"),
    [
        ("Inzageverzoek", "Beste, ik wil graag inzage in mijn gegevens.", [RequestKind.ACCESS]),
        ("Verzoek", "Verwijder mijn gegevens alstublieft.", [RequestKind.ERASURE]),
        ("Subject access request", "Please send me a copy of my personal data.", [RequestKind.ACCESS]),
        ("Unsubscribe", "Please unsubscribe me.", [RequestKind.CONSENT_WITHDRAWAL]),
        ("Afmelden nieuwsbrief", "Ik wil me afmelden.", [RequestKind.CONSENT_WITHDRAWAL]),
        ("Mijn adres klopt niet", "Mijn adres klopt niet, het is Kerkweg 5.", [RequestKind.RECTIFICATION]),
        ("Bezwaar", "Ik maak bezwaar tegen reclame.", [RequestKind.OBJECTION]),
        ("Export", "I want data portability: export my data.", [RequestKind.PORTABILITY]),
        (
            "Inzage en verwijderen",
            "Inzage graag, en daarna: verwijder mijn gegevens.",
            [RequestKind.ACCESS, RequestKind.ERASURE],
        ),
    ],
)
def test_dutch_and_english_wording_is_recognised(subject: str, body: str, kinds: list[RequestKind]) -> None:
    assert recognise(subject, body) == kinds


def test_ordinary_mail_is_not_a_request() -> None:
    assert recognise("Factuur maart", "Hierbij de factuur voor maart. Groet, Jan") == []


def test_a_request_mail_opens_a_draft_that_staff_confirm(
    loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    with loaded_db.session_scope() as session:
        outcome = intake_email(
            session,
            keyring=keyring,
            register=register,
            data=eml("Ik wil graag inzage in mijn gegevens."),
            source="mail.eml",
            actor="test",
            base_url=BASE_URL,
        )
    assert outcome.outcome == "draft" and outcome.kinds == ["access"]
    assert outbox(loaded_db) == [], "a draft sends nothing until staff confirm it"
    with loaded_db.session_scope() as session:
        request = get_request(session, ref=outcome.ref or "")
        assert request.channel == "email" and request.lang == "nl"
        assert request.received_on.isoformat() == "2026-03-27", "the clock runs from the day the mail arrived"
        confirm_draft(
            session,
            keyring=keyring,
            register=register,
            request=request,
            actor="user:1",
            base_url=BASE_URL,
            kinds=["access", "erasure"],
        )
        assert request.status == "received" and request.kinds == ["access", "erasure"]
    assert [m.key.rsplit(":", 1)[1] for m in outbox(loaded_db)] == ["acknowledgement"]


def test_the_same_mail_twice_opens_one_draft(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    data = eml("Verwijder mijn gegevens.")
    outcomes = []
    for _ in range(2):
        with loaded_db.session_scope() as session:
            outcomes.append(
                intake_email(
                    session,
                    keyring=keyring,
                    register=register,
                    data=data,
                    source="m.eml",
                    actor="test",
                    base_url=BASE_URL,
                )
            )
    assert [o.outcome for o in outcomes] == ["draft", "duplicate"] and outcomes[0].ref == outcomes[1].ref


def test_a_file_that_is_no_mail_is_refused_with_its_name(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    with (
        pytest.raises(UnusableInput, match="notes.txt: not an e-mail message"),
        loaded_db.session_scope() as session,
    ):
        intake_email(
            session,
            keyring=keyring,
            register=register,
            data=b"just some notes",
            source="notes.txt",
            actor="test",
            base_url=BASE_URL,
        )


def test_a_draft_counts_from_the_day_the_mail_arrived_and_is_listed(
    loaded_db: Database, keyring: Keyring, register: Register
) -> None:
    from datetime import date

    from privacydesk.subject_requests.lifecycle import list_requests

    with loaded_db.session_scope() as session:
        intake_email(
            session,
            keyring=keyring,
            register=register,
            data=eml("Wilt u al mijn gegevens verwijderen?"),
            source="m.eml",
            actor="test",
            base_url=BASE_URL,
        )
    with loaded_db.session_scope(readonly=True) as session:
        [item] = list_requests(session, today=date(2026, 4, 27))
    assert item.status == "draft" and item.clocks.urgency.value == "overdue"
