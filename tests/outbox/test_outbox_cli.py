"""`privacydesk outbox send` and `outbox status` from the command line."""

from __future__ import annotations

import json
from typing import Any

from privacydesk.outbox import queue_mail
from privacydesk.store.db import Database
from tests.outbox.conftest import Mailbox


def test_outbox_send_sends_what_is_due_and_status_counts_it(
    cli: Any, db: Database, db_url: str, smtp_server: Mailbox, monkeypatch: Any
) -> None:
    monkeypatch.setenv("PRIVACYDESK_SMTP_PORT", str(smtp_server.port))
    with db.session_scope() as session:
        queue_mail(session, to="a@example.nl", subject="S", body_text="B", key="cli-1", actor="test")
    result = cli("--db", db_url, "outbox", "send", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["sent"] == 1
    status = cli("--db", db_url, "outbox", "status", "--json")
    assert json.loads(status.out) == {"pending": 0, "sending": 0, "sent": 1, "failed": 0}
    assert len(smtp_server.messages) == 1
