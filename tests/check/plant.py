"""Planted violations: each does what a careless day at the office would do, through the services."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from privacydesk.config import Settings
from privacydesk.consent.cookiescan import Finding, ScanReport, record_scan
from privacydesk.correspondence import MessageIn, store_message
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.scan.detectors import Kind
from privacydesk.scan.findings import raise_finding
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.subjects import Message, Record, Subject
from tests.check.conftest import TODAY


def customer_without_consent(session: Session) -> Subject:
    with_ground = select(ConsentEvent.subject_id).where(ConsentEvent.subject_id.is_not(None))
    ids = [
        str(i)
        for i in session.execute(select(Subject.id).where(Subject.subject_type == "customer")).scalars()
    ]
    taken = set(session.execute(with_ground).scalars())
    subject = session.get(Subject, int(next(i for i in ids if i not in taken)))
    assert subject is not None
    return subject


def newsletter_without_consent(session: Session, settings: Settings) -> tuple[Message, Subject]:
    """A newsletter e-mailed by hand to a customer who never consented."""
    subject = customer_without_consent(session)
    _, register = current_register(session)
    message, _ = store_message(
        session,
        keyring=Keyring.from_settings(settings),
        register=register,
        message=MessageIn(
            "planted-newsletter", utcnow(), "out", "email", {"subject": "Nieuwsbrief", "body": "…"}
        ),
        links=[(subject, "to")],
        purpose="newsletter",
        category="email",
        actor="test",
    )
    return message, subject


def record_past_retention(session: Session) -> int:
    """A record whose retention date passed yesterday, and no run erased it."""
    record_id = session.execute(
        select(Record.id).where(Record.purpose == "service_contact").order_by(Record.id).limit(1)
    ).scalar_one()
    session.execute(update(Record).where(Record.id == record_id).values(expires_on=TODAY - timedelta(days=1)))
    return record_id


def cookie_scan_with_undeclared_cookie(session: Session) -> int:
    """What `privacydesk cookies scan` records after finding one cookie the register does not declare."""
    finding = Finding(
        "undeclared_cookie", "cookie '_hjid' is not in the register", "https://shop.test/", "_hjid"
    )
    report = ScanReport("https://shop.test/", ["https://shop.test/", "https://shop.test/a", "https://shop.test/b"],
                        before=[], findings=[finding])  # fmt: skip
    return record_scan(session, report=report, actor="cli:test")


def bsn_in_an_email(session: Session, settings: Settings) -> tuple[int, int]:
    """An incoming e-mail with a BSN in it, flagged by the scanner."""
    keyring = Keyring.from_settings(settings)
    _, register = current_register(session)
    subject = session.execute(select(Subject).where(Subject.subject_type == "customer").limit(1)).scalar_one()
    message, _ = store_message(
        session,
        keyring=keyring,
        register=register,
        message=MessageIn(
            "planted-bsn", utcnow(), "in", "email", {"subject": "Vraag", "body": "mijn BSN is …"}
        ),
        links=[(subject, "from")],
        purpose="service_contact",
        actor="test",
    )
    finding, _ = raise_finding(
        session, keyring=keyring, kind=Kind.BSN, reason="forbidden", source="mail:import",
        location="body:1", value="111222333", subject_ref=subject.ref, message_id=message.id, actor="test",
    )  # fmt: skip
    return finding.id, message.id


def without_agreement(register: Register, key: str) -> Register:
    """A register variant in which processor `key` has no data-processing agreement."""
    recipients = [r.model_copy(update={"dpa": None}) if r.key == key else r for r in register.recipients]
    return register.model_copy(update={"recipients": recipients})
