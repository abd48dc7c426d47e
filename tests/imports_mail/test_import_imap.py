"""`import mail --imap` reads a folder of a real IMAP server (pymap, on loopback) read-only, since a date."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Message
from tests.imports_mail.conftest import People

USER, PASSWORD = "demouser", "demopass"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def imap_port() -> Iterator[int]:
    """A pymap server with its in-memory backend, no TLS, on a free loopback port."""
    port = _free_port()
    pymap = Path(sys.executable).parent / "pymap"
    server = subprocess.Popen(
        [
            str(pymap),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _append(port: int) -> None:
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(USER, PASSWORD)
        for n, (sender, when) in enumerate(
            [("jan@example.nl", datetime(2024, 3, 4, 10)), ("piet@example.nl", datetime(2023, 1, 5, 9))]
        ):
            head = f"From: {sender}\r\nTo: hallo@ocqto.nl\r\nSubject: vraag {n}\r\n"
            raw = head + f"Message-ID: <i{n}@x>\r\n\r\nhoi\r\n"
            client.append("INBOX", raw.encode(), msg_time=when)


def _flags(port: int) -> list[tuple[bytes, ...]]:
    with IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(USER, PASSWORD)
        client.select_folder("INBOX", readonly=True)
        return [data[b"FLAGS"] for _, data in sorted(client.fetch(client.search(), ["FLAGS"]).items())]


def test_messages_since_the_date_are_imported_and_the_folder_is_left_unchanged(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, imap_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(imap_port)
    before = _flags(imap_port)
    monkeypatch.setenv("PRIVACYDESK_IMAP_PASSWORD", PASSWORD)
    result = store_cli(
        "import",
        "mail",
        "--imap",
        "127.0.0.1",
        "--port",
        str(imap_port),
        "--no-ssl",
        "--user",
        USER,
        "--since",
        "2024-01-01",
        "--json",
    )
    assert result.code == 0, result.err
    summary = json.loads(result.out)[0]
    assert (summary["added"], summary["skipped"]) == (1, 0)
    with loaded_db.session_scope() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 1
    assert _flags(imap_port) == before  # read-only: not even \\Seen was set


def test_a_wrong_password_is_reported_and_nothing_is_kept(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, imap_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIVACYDESK_IMAP_PASSWORD", "wrong")
    result = store_cli(
        "import",
        "mail",
        "--imap",
        "127.0.0.1",
        "--port",
        str(imap_port),
        "--no-ssl",
        "--user",
        USER,
        "--since",
        "2024-01-01",
    )
    assert result.code == 2 and f"IMAP 127.0.0.1:{imap_port} folder INBOX" in result.err
    with loaded_db.session_scope() as session:
        assert session.execute(select(func.count()).select_from(Message)).scalar_one() == 0


def test_imap_without_a_password_variable_says_which_to_set(
    loaded_db: Database, store_cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PRIVACYDESK_IMAP_PASSWORD", raising=False)
    result = store_cli("import", "mail", "--imap", "127.0.0.1", "--user", USER, "--since", "2024-01-01")
    assert result.code == 2 and "set PRIVACYDESK_IMAP_PASSWORD" in result.err
