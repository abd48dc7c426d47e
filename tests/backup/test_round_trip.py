"""`backup` then `restore` brings the database back exactly as it was, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from privacydesk import audit, backup, subjects
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.subjects import Record, Subject
from tests.backup.conftest import add_person


def _state(db: Database, keyring: Keyring) -> dict[str, list[object]]:
    with db.session_scope(readonly=True) as session:
        refs = sorted(session.execute(select(Subject.ref)).scalars())
        payloads = sorted(
            subjects.read_record(session, keyring=keyring, record=r)["amount"]
            for r in session.execute(select(Record)).scalars()
        )
    return {"refs": refs, "amounts": payloads}


def test_a_restore_brings_back_exactly_what_was_backed_up(
    loaded_db: Database, keyring: Keyring, master_key: bytes, tmp_path: Path, erasure_log: Path
) -> None:
    add_person(loaded_db, keyring, "ann@example.nl", 100)
    add_person(loaded_db, keyring, "bob@example.nl", 200)
    before = _state(loaded_db, keyring)
    file = tmp_path / "out" / "ocqto.pdbackup"
    info = backup.backup_database(
        loaded_db, master_key=master_key, out=file, erasure_log=erasure_log, actor="test"
    )
    assert info.bytes == file.stat().st_size > 0
    add_person(loaded_db, keyring, "cas@example.nl", 300)  # made after the backup: gone after the restore

    restored = backup.restore_database(
        loaded_db, master_key=master_key, source=file, erasure_log=erasure_log, actor="test"
    )

    assert restored.subjects_erased_again == 0
    assert _state(loaded_db, keyring) == before
    with loaded_db.session_scope(readonly=True) as session:
        assert audit.verify_chain(session).ok
        restored_entry = audit.search_audit(session, limit=1)[0]
        assert restored_entry.action == audit.Action.BACKUP_RESTORED
        assert restored_entry.details["replaced_head"]["entries"] > restored_entry.seq - 1
        assert session.execute(select(func.count()).select_from(Record)).scalar_one() == 2


def test_the_backup_file_holds_no_readable_personal_data(
    loaded_db: Database, keyring: Keyring, master_key: bytes, tmp_path: Path, erasure_log: Path
) -> None:
    add_person(loaded_db, keyring, "readable.person@example.nl", 4242)
    file = tmp_path / "b.pdbackup"
    backup.backup_database(loaded_db, master_key=master_key, out=file, erasure_log=erasure_log, actor="test")
    content = file.read_bytes()
    assert content.startswith(backup.MAGIC)
    for needle in (b"SQLite format", b"PGDMP", b"audit_entries", b"subjects", b"customer"):
        assert needle not in content


def test_an_existing_file_is_not_overwritten_without_force(
    loaded_db: Database, master_key: bytes, tmp_path: Path, erasure_log: Path
) -> None:
    import pytest

    from privacydesk.errors import Refused

    file = tmp_path / "b.pdbackup"
    file.write_bytes(b"keep me")
    with pytest.raises(Refused, match="exists"):
        backup.backup_database(loaded_db, master_key=master_key, out=file, erasure_log=erasure_log, actor="t")
    assert file.read_bytes() == b"keep me"
