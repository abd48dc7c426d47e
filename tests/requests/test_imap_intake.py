"""Requests fetched from an IMAP inbox: a real pymap server on loopback; unseen requests become
drafts, every message taken in is flagged seen, and fetching again takes nothing twice."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests.imap import Mailbox, fetch_inbox
from tests.browser_support import free_port
from tests.requests.conftest import BASE_URL, People
from tests.requests.test_email_intake import eml

PYMAP = Path(sys.executable).with_name("pymap")


@pytest.fixture
def imap_server() -> Iterator[Mailbox]:
    if not PYMAP.exists() and not shutil.which("pymap"):
        pytest.skip("pymap is not installed (pip install -e '.[dev]')")
    port = free_port()
    process = subprocess.Popen(
        [str(PYMAP), "--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict", "--demo-data"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mailbox = Mailbox("127.0.0.1", port, "demouser", "demopass", "INBOX", ssl=False)
    try:
        _wait_for(mailbox)
        yield mailbox
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(mailbox: Mailbox) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with IMAPClient(mailbox.host, port=mailbox.port, ssl=False, timeout=5) as client:
                client.login(mailbox.user, mailbox.password)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _client(mailbox: Mailbox) -> Any:
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=False, timeout=10)
    client.login(mailbox.user, mailbox.password)
    return client


def test_unseen_request_mail_becomes_drafts_and_is_flagged_seen(
    imap_server: Mailbox, loaded_db: Database, keyring: Keyring, register: Register, people: People
) -> None:
    client = _client(imap_server)
    client.select_folder("INBOX")
    for already in client.search(["UNSEEN"]):  # the demo data's own unseen mail
        client.add_flags([already], [b"\\Seen"])
    client.append("INBOX", eml("Ik wil graag inzage in mijn gegevens.", message_id="<a@example.nl>"))
    client.append("INBOX", eml("Please unsubscribe me.", subject="Newsletter", message_id="<b@example.nl>"))
    client.append(
        "INBOX", eml("Hierbij de factuur van maart.", subject="Factuur", message_id="<c@example.nl>")
    )
    outcomes = fetch_inbox(loaded_db, keyring=keyring, mailbox=imap_server, actor="test", base_url=BASE_URL)
    assert sorted(o.outcome for o in outcomes) == ["draft", "draft", "not_a_request"]
    assert sorted(k for o in outcomes for k in o.kinds) == ["access", "consent_withdrawal"]
    client.select_folder("INBOX")
    assert client.search(["UNSEEN"]) == []
    again = fetch_inbox(loaded_db, keyring=keyring, mailbox=imap_server, actor="test", base_url=BASE_URL)
    assert again == []
    client.logout()


def test_a_wrong_password_is_a_clear_error(
    imap_server: Mailbox, loaded_db: Database, keyring: Keyring
) -> None:
    from privacydesk.errors import UnusableInput

    wrong = Mailbox(imap_server.host, imap_server.port, imap_server.user, "wrong", ssl=False)
    with pytest.raises(UnusableInput, match="refused the login"):
        fetch_inbox(loaded_db, keyring=keyring, mailbox=wrong, actor="test", base_url=BASE_URL)


def test_the_cli_fetches_the_inbox_with_the_password_on_stdin(
    imap_server: Mailbox, cli: Any, settings: Any, db_url: str, loaded_db: Database, monkeypatch: Any
) -> None:
    import json

    monkeypatch.setenv("PRIVACYDESK_KEY_FILE", str(settings.key_file))
    client = _client(imap_server)
    client.select_folder("INBOX")
    for already in client.search(["UNSEEN"]):
        client.add_flags([already], [b"\\Seen"])
    client.append("INBOX", eml("Graag inzage in mijn gegevens.", message_id="<cli@example.nl>"))
    client.logout()
    result = cli(
        "--db",
        db_url,
        "requests",
        "intake",
        "--imap-host",
        "127.0.0.1",
        "--imap-port",
        str(imap_server.port),
        "--imap-user",
        "demouser",
        "--no-imap-ssl",
        "--json",
        stdin="demopass\n",
    )
    assert result.code == 0, result.err
    [row] = json.loads(result.out)
    assert row["outcome"] == "draft" and row["kinds"] == ["access"]
    assert "demopass" not in result.out + result.err
