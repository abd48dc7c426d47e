"""Python's own e-mail test corpus (test.test_email's data folder) imports as mail."""

from __future__ import annotations

import email
import email.policy
import email.utils
import glob
import json
import sysconfig
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privacydesk.identifiers import InvalidIdentifier, normalise_email
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Message
from privacydesk.subjects import create_subject


def _corpus() -> Path | None:
    here = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"
    others = sorted(glob.glob("/root/.pyenv/versions/*/lib/python3*/test/test_email/data"))
    found = [p for p in [here, *map(Path, others)] if p.is_dir()]
    return found[0] if found else None


CORPUS = _corpus()
pytestmark = pytest.mark.skipif(
    CORPUS is None, reason="Python's test.test_email data folder is not installed here"
)


def _senders(files: list[Path]) -> set[str]:
    senders = set()
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        try:
            senders.add(normalise_email(email.utils.parseaddr(str(message.get("From", "")))[1]))
        except InvalidIdentifier:
            continue
    return senders


def test_every_message_of_the_corpus_imports_and_those_from_known_senders_are_kept(  # type: ignore[no-untyped-def]
    loaded_db: Database, store_cli, keyring: Keyring, register: Register
) -> None:
    assert CORPUS is not None
    files = sorted(CORPUS.glob("msg_*.txt"))
    senders = _senders(files)
    with loaded_db.session_scope() as session:
        for address in senders:
            create_subject(
                session,
                keyring=keyring,
                register=register,
                subject_type="customer",
                identifiers={"email": [address]},
                actor="test",
            )
    result = store_cli("import", "mail", *map(str, files), "--json")
    assert result.code == 0, result.err
    summaries = json.loads(result.out)
    assert len(summaries) == len(files) > 40
    with loaded_db.session_scope() as session:
        stored = session.execute(select(func.count()).select_from(Message)).scalar_one()
    assert stored >= len(senders) and stored == sum(s["added"] for s in summaries)
