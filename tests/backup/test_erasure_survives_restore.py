"""Restoring a backup made before an erasure never brings the erased person back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from privacydesk import audit, backup, subjects
from privacydesk.store.crypto import KeyDestroyed, Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.consent import SuppressionEntry
from privacydesk.store.models.subjects import Record, Subject
from tests.backup.conftest import add_person


def _id(db: Database, ref: str) -> int:
    with db.session_scope(readonly=True) as session:
        return session.execute(select(Subject.id).where(Subject.ref == ref)).scalar_one()


def test_an_erased_subject_stays_erased_and_unreadable_after_restoring_an_older_backup(
    loaded_db: Database, keyring: Keyring, master_key: bytes, tmp_path: Path, erasure_log: Path
) -> None:
    deleted = add_person(loaded_db, keyring, "deleted@example.nl", 100)
    shredded = add_person(loaded_db, keyring, "shredded@example.nl", 200)
    kept = add_person(loaded_db, keyring, "kept@example.nl", 300)
    file = tmp_path / "before-erasure.pdbackup"
    backup.backup_database(loaded_db, master_key=master_key, out=file, erasure_log=erasure_log, actor="t")
    with loaded_db.session_scope() as session:
        subjects.delete_subject(session, subject_id=_id(loaded_db, deleted), actor="user:1")
        subjects.destroy_subject_key(session, subject_id=_id(loaded_db, shredded), actor="user:1")
        session.add(SuppressionEntry(email_hash="f" * 64, reason="objection", actor="user:1"))

    info = backup.restore_database(
        loaded_db, master_key=master_key, source=file, erasure_log=erasure_log, actor="system:restore"
    )

    assert info.subjects_erased_again == 2 and info.suppressions_restored == 1
    with loaded_db.session_scope(readonly=True) as session:
        refs = set(session.execute(select(Subject.ref)).scalars())
        assert deleted not in refs and {shredded, kept} <= refs
        shredded_record = session.execute(
            select(Record).join(Subject).where(Subject.ref == shredded)
        ).scalar_one()
        assert shredded_record.payload_enc is not None  # the ciphertext came back from the backup…
        with pytest.raises(KeyDestroyed):  # …but its key did not: it can never be read again
            subjects.read_record(session, keyring=keyring, record=shredded_record)
        kept_record = session.execute(select(Record).join(Subject).where(Subject.ref == kept)).scalar_one()
        assert subjects.read_record(session, keyring=keyring, record=kept_record)["amount"] == 300
        assert session.execute(select(SuppressionEntry.email_hash)).scalars().all() == ["f" * 64]
        assert audit.verify_chain(session).ok


def test_the_erasure_log_holds_only_pseudonymous_refs_and_keyed_hashes(
    loaded_db: Database, keyring: Keyring, master_key: bytes, tmp_path: Path, erasure_log: Path
) -> None:
    ref = add_person(loaded_db, keyring, "someone@example.nl", 1)
    with loaded_db.session_scope() as session:
        subjects.delete_subject(session, subject_id=_id(loaded_db, ref), actor="t")
        assert backup.sync_erasure_log(session, path=erasure_log) == 2  # key destroyed, then deleted
        assert backup.sync_erasure_log(session, path=erasure_log) == 0  # nothing new: nothing appended
    lines = [json.loads(line) for line in erasure_log.read_text().splitlines()]
    assert {line["subject"] for line in lines} == {ref}
    assert "someone" not in erasure_log.read_text()
