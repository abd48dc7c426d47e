"""An altered, cut-short or foreign backup is refused, and the database is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from privacydesk import backup
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Subject
from tests.backup.conftest import add_person


@pytest.fixture
def file(loaded_db: Database, keyring: Keyring, master_key: bytes, tmp_path: Path, erasure_log: Path) -> Path:
    add_person(loaded_db, keyring, "a@example.nl", 1)
    out = tmp_path / "b.pdbackup"
    backup.backup_database(loaded_db, master_key=master_key, out=out, erasure_log=erasure_log, actor="t")
    add_person(loaded_db, keyring, "b@example.nl", 2)
    return out


def _refused(db: Database, file: Path, master_key: bytes, erasure_log: Path, match: str) -> None:
    with pytest.raises(backup.BadBackup, match=match):
        backup.restore_database(db, master_key=master_key, source=file, erasure_log=erasure_log, actor="t")
    with db.session_scope(readonly=True) as session:  # untouched: both people are still there
        assert len(session.execute(select(Subject.id)).all()) == 2


def test_one_changed_byte_is_refused(
    loaded_db: Database, file: Path, master_key: bytes, erasure_log: Path
) -> None:
    data = bytearray(file.read_bytes())
    data[-100] ^= 1
    file.write_bytes(bytes(data))
    _refused(loaded_db, file, master_key, erasure_log, "altered")


def test_a_cut_short_file_is_refused(
    loaded_db: Database, file: Path, master_key: bytes, erasure_log: Path
) -> None:
    file.write_bytes(file.read_bytes()[:-10])
    _refused(loaded_db, file, master_key, erasure_log, "cut short|altered")


def test_another_master_key_cannot_read_it(
    loaded_db: Database, file: Path, master_key: bytes, erasure_log: Path
) -> None:
    _refused(loaded_db, file, bytes(32), erasure_log, "another master key")


def test_a_file_that_is_no_backup_is_refused(loaded_db: Database, tmp_path: Path, master_key: bytes) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(backup.BadBackup, match="not a privacydesk backup"):
        backup.restore_database(
            loaded_db, master_key=master_key, source=other, erasure_log=tmp_path / "log", actor="t"
        )
