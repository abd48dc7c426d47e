"""A mailbox too large for one transaction: imported in steps, resumed after a stop, nothing twice."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from privacydesk.imports.mail import import_mbox_step, start_mbox_steps
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import ImportBatch, Message, Record
from tests.imports_mail.conftest import People, message


def _mbox(path: Path, count: int, *, cut: bool = False) -> Path:
    """`count` messages, each from Jan or about Piet's IBAN; `cut` leaves the last line unfinished."""
    text = "".join(
        message(n, "jan@example.nl", "hallo@ocqto.nl", f"Vraag {n}.")
        if n % 2
        else message(
            n, "onbekend@example.com", "hallo@ocqto.nl", f"Betaald van NL91 ABNA 0417 1643 00 ({n})."
        )
        for n in range(1, count + 1)
    )
    path.write_text(text.rstrip("\n") if cut else text)
    return path


def _stored(db: Database) -> tuple[int, int, list[tuple[int | None, int, int]]]:
    """Messages, links, and each import batch's (checkpoint, added, whether finished)."""
    with db.session_scope() as session:
        messages = session.scalar(select(func.count()).select_from(Message)) or 0
        links = (
            session.scalar(select(func.count()).select_from(Record).where(Record.message_id.is_not(None)))
            or 0
        )
        batches = session.execute(
            select(ImportBatch.checkpoint, ImportBatch.added, ImportBatch.finished_at)
            .where(ImportBatch.kind == "email")
            .order_by(ImportBatch.id)
        ).all()
    return messages, links, [(c, a, int(f is not None)) for c, a, f in batches]


def test_a_mailbox_in_steps_stores_what_one_transaction_stores(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = _mbox(tmp_path / "big.mbox", 7)
    result = store_cli("import", "mail", str(path), "--checkpoint-every", "3", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)[0]
    assert (summary["added"], summary["records"]) == (7, 7)
    assert _stored(loaded_db) == (7, 7, [(7, 7, 1)])


def test_a_stopped_import_resumes_after_its_checkpoint_and_stores_nothing_twice(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path, keyring: Keyring, register: Register
) -> None:
    path = _mbox(tmp_path / "big.mbox", 7)
    # a first run commits one step of three messages, then stops (the process is killed)
    with loaded_db.session_scope() as session:
        steps = start_mbox_steps(session, path=path, every=3)
    with loaded_db.session_scope() as session:
        done = import_mbox_step(
            session, keyring=keyring, register=register, steps=steps, actor="test", today=date.today()
        )
    assert not done and _stored(loaded_db) == (3, 3, [(3, 3, 0)])
    # the rerun takes up the same batch after message 3
    result = store_cli("import", "mail", str(path), "--checkpoint-every", "3", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)[0]["added"] == 7
    assert _stored(loaded_db) == (7, 7, [(7, 7, 1)])


def test_a_broken_message_stops_the_steps_with_what_is_imported_and_a_rerun_adds_only_the_rest(  # type: ignore[no-untyped-def]
    loaded_db: Database, people: People, store_cli, tmp_path: Path
) -> None:
    path = _mbox(tmp_path / "big.mbox", 7, cut=True)
    result = store_cli("import", "mail", str(path), "--checkpoint-every", "2")
    assert result.code == 2
    assert "message 7 is truncated" in result.err and "messages 1 to 6 are imported" in result.err
    assert _stored(loaded_db) == (6, 6, [(6, 6, 0)])
    # the mailbox copied again whole: a new file (hash), whose first six messages are there already
    _mbox(path, 7)
    result = store_cli("import", "mail", str(path), "--checkpoint-every", "2", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)[0]
    assert (summary["added"], summary["matched"]) == (1, 6)
    assert _stored(loaded_db)[:2] == (7, 7)
