"""After an erasure request has gone through the whole workflow — portal intake, code, answer
letter sent — the raw SQLite file holds none of the person's identifiers in readable form: the
request file is sealed under its own key, codes are keyed hashes, and a sent letter keeps only its
queue key."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from privacydesk.config import Settings
from privacydesk.consent.keys import bind_settings
from privacydesk.outbox import send_pending
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests import answer, identity
from privacydesk.subject_requests.records import get_request
from tests.outbox.conftest import Mailbox
from tests.requests.conftest import BASE_URL, People
from tests.requests.helpers import code_in, open_, outbox

IDENTIFIERS = ("jan.jansen@example.nl", "Jan Jansen", "jan jansen", "Dorpsstraat")


def _raw(db_url: str) -> bytes:
    path = Path(str(make_url(db_url).database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_the_raw_database_holds_no_readable_identifier_after_an_erasure_request(
    loaded_db: Database,
    db_url: str,
    keyring: Keyring,
    register: Register,
    settings: Settings,
    people: People,
    smtp_server: Mailbox,
) -> None:
    if not loaded_db.is_sqlite:
        pytest.skip("the raw-file scan reads the SQLite file")
    cfg = settings.model_copy(update={"smtp_port": smtp_server.port})
    ref = open_(
        loaded_db,
        keyring,
        register,
        email="jan.jansen@example.nl",
        name="Jan Jansen",
        kinds=["erasure"],
        message="Verwijder mijn gegevens, ik woon niet meer aan de Dorpsstraat.",
    )
    with loaded_db.session_scope() as session:
        identity.start_identity_check(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            actor="anonymous",
            base_url=BASE_URL,
        )
    code = code_in([m for m in outbox(loaded_db) if ":identity_code:" in m.key][0].body_text)
    with loaded_db.session_scope() as session:
        assert identity.verify_code(
            session, keyring=keyring, request=get_request(session, ref=ref), code=code, actor="anonymous"
        )
    with loaded_db.session_scope() as session:
        bind_settings(session, cfg)
        answer.fulfil_request(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            out_dir=Path(settings.data_dir) / "exports",
            base_url=BASE_URL,
            today=date.today(),
            actor="user:1",
        )
    assert send_pending(loaded_db, cfg) == 3  # acknowledgement, code, answer
    bodies = [str(m.get_body(("plain",)).get_content()) for m in smtp_server.messages]  # type: ignore[union-attr]
    assert any("Antwoord op je privacyverzoek" in m["Subject"] for m in smtp_server.messages), bodies
    _checkpoint(loaded_db)
    raw = _raw(db_url)
    found = [i for i in IDENTIFIERS if re.search(re.escape(i.encode()), raw, re.IGNORECASE)]
    assert found == [], f"readable in the raw database file: {found}"


def _checkpoint(db: Database) -> None:
    raw_conn = db.engine.raw_connection()  # outside a transaction: SQLite refuses a checkpoint inside one
    try:
        raw_conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw_conn.close()


def test_a_queued_letter_is_readable_until_it_is_sent_and_then_gone(
    loaded_db: Database,
    keyring: Keyring,
    register: Register,
    settings: Settings,
    db_url: str,
    smtp_server: Mailbox,
) -> None:
    if not loaded_db.is_sqlite:
        pytest.skip("the raw-file scan reads the SQLite file")
    open_(loaded_db, keyring, register, email="someone.else@example.nl", kinds=["access"])
    _checkpoint(loaded_db)
    assert b"someone.else@example.nl" in _raw(db_url), "the scan finds what is there (the queued letter)"
    send_pending(loaded_db, settings.model_copy(update={"smtp_port": smtp_server.port}))
    _checkpoint(loaded_db)
    assert b"someone.else@example.nl" not in _raw(db_url)
