"""The outbox sends each queued message once by SMTP, retries failures later, and logs no address."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from privacydesk import audit
from privacydesk.config import Settings
from privacydesk.outbox import backoff, outbox_counts, queue_mail, send_pending
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.requests import OutboxMessage
from tests.browser_support import free_port
from tests.outbox.conftest import Mailbox

ADDRESS = "jan.jansen@example.nl"


def _settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"smtp_port": port, "mail_from": "privacy@ocqto.example"})


def _queue(db: Database, key: str, to: str = ADDRESS, **extra: object) -> int:
    with db.session_scope() as session:
        message = queue_mail(
            session,
            to=to,
            subject="Je verzoek",
            body_text="Hallo Jan,\nwe hebben je verzoek ontvangen.",
            key=key,
            actor="test",
            **extra,  # type: ignore[arg-type]
        )
        return message.id


def test_a_queued_message_arrives_at_the_smtp_server_with_its_body_and_headers(
    db: Database, settings: Settings, smtp_server: Mailbox
) -> None:
    _queue(db, "k1", body_html="<p>Hallo Jan</p>", headers={"List-Unsubscribe": "<https://x.example/u>"})
    assert send_pending(db, _settings(settings, smtp_server.port)) == 1
    [mail] = smtp_server.messages
    assert mail["To"] == ADDRESS
    assert mail["From"] == "privacy@ocqto.example"
    assert mail["List-Unsubscribe"] == "<https://x.example/u>"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and "we hebben je verzoek ontvangen" in body.get_content()
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and "<p>Hallo Jan</p>" in html.get_content()


def test_queueing_twice_with_the_same_key_sends_one_message(
    db: Database, settings: Settings, smtp_server: Mailbox
) -> None:
    first, second = _queue(db, "same"), _queue(db, "same")
    assert first == second
    assert send_pending(db, _settings(settings, smtp_server.port)) == 1
    assert send_pending(db, _settings(settings, smtp_server.port)) == 0
    assert len(smtp_server.messages) == 1


def test_two_senders_at_once_never_send_a_message_twice(
    db: Database, settings: Settings, smtp_server: Mailbox
) -> None:
    for n in range(12):
        _queue(db, f"bulk-{n}", to=f"person{n}@example.nl")
    cfg = _settings(settings, smtp_server.port)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(send_pending(db, cfg))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 12
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(f"person{n}@example.nl" for n in range(12))


def test_a_failed_send_is_retried_after_its_backoff_and_then_arrives(
    db: Database, settings: Settings, smtp_server: Mailbox
) -> None:
    message_id = _queue(db, "retry")
    now = utcnow()
    assert send_pending(db, _settings(settings, free_port()), now=now) == 0  # nobody listens there
    with db.session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        assert (message.status, message.attempts) == ("pending", 1)
        assert message.last_error == "ConnectionRefusedError"
        assert message.next_attempt_at >= now + backoff(1) - timedelta(seconds=1)
    cfg = _settings(settings, smtp_server.port)
    assert send_pending(db, cfg, now=now) == 0  # not due yet
    assert send_pending(db, cfg, now=now + backoff(1)) == 1
    assert len(smtp_server.messages) == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(hours=6)


def test_the_audit_log_records_queueing_and_sending_without_address_or_body(
    db: Database, settings: Settings, smtp_server: Mailbox
) -> None:
    _queue(db, "audited")
    send_pending(db, _settings(settings, smtp_server.port))
    with db.session_scope() as session:
        entries = session.execute(select(AuditEntry)).scalars().all()
        actions = [e.action for e in entries]
        assert audit.Action.LETTER_QUEUED in actions and audit.Action.LETTER_SENT in actions
        dumped = repr([(e.target_id, e.details, e.reason) for e in entries])
        assert "jan" not in dumped.lower() and "verzoek" not in dumped
        assert outbox_counts(session).sent == 1


def test_a_header_with_a_line_break_is_refused(db: Database) -> None:
    import pytest

    from privacydesk.errors import UnusableInput

    with pytest.raises(UnusableInput, match="line break"), db.session_scope() as session:
        queue_mail(session, to=ADDRESS, subject="Hi\r\nBcc: x@y.z", body_text="x", key="bad", actor="test")


def test_a_sent_message_keeps_no_address_subject_or_body(
    db: Database, settings: Settings, smtp_server: Mailbox
) -> None:
    message_id = _queue(db, "scrubbed", body_html="<p>Hallo Jan</p>")
    send_pending(db, _settings(settings, smtp_server.port))
    with db.session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None and message.status == "sent"
        assert (message.to_addr, message.subject, message.body_text, message.body_html) == ("", "", "", None)
        assert message.key == "scrubbed"
