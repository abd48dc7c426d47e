"""Small helpers shared by the request tests."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.requests import OutboxMessage
from privacydesk.subject_requests.domain import Channel
from privacydesk.subject_requests.intake import Intake, open_request
from tests.requests.conftest import BASE_URL


def open_(db: Database, keyring: Keyring, register: Register, **values: Any) -> str:
    """Open a request through the service; returns its reference."""
    values.setdefault("kinds", ["access"])
    values.setdefault("channel", Channel.STAFF)
    with db.session_scope() as session:
        request = open_request(
            session,
            keyring=keyring,
            register=register,
            intake=Intake(**values),
            actor="test",
            base_url=BASE_URL,
        )
        return request.ref


def outbox(db: Database) -> list[OutboxMessage]:
    with db.session_scope(readonly=True) as session:
        rows = list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
        session.expunge_all()
        return rows


def code_in(body: str) -> str:
    match = re.search(r"^\s+(\d{4} \d{4})\s*$", body, re.MULTILINE)
    assert match, "no code in the letter"
    return match.group(1).replace(" ", "")


def audit_actions(db: Database) -> list[str]:
    with db.session_scope(readonly=True) as session:
        return [e.action for e in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()]


def audit_text(db: Database) -> str:
    with db.session_scope(readonly=True) as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        return repr([(e.actor, e.action, e.target_id, e.reason, e.details) for e in rows])
