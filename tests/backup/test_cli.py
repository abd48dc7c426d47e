"""`privacydesk backup FILE` and `privacydesk restore FILE --yes` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacydesk.config import Settings
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from tests.backup.conftest import add_person


def test_backup_and_restore_from_the_command_line(
    loaded_db: Database,
    keyring: Keyring,
    settings: Settings,
    tmp_path: Path,
    cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRIVACYDESK_MASTER_KEY", settings.key_file.read_text().strip())
    monkeypatch.setenv("PRIVACYDESK_DATA_DIR", str(tmp_path / "data"))
    add_person(loaded_db, keyring, "a@example.nl", 1)
    file = tmp_path / "x.pdbackup"
    made = cli("backup", str(file), "--db", loaded_db.url, "--json")
    assert made.code == 0, made.err
    assert json.loads(made.out)["bytes"] == file.stat().st_size
    again = cli("backup", str(file), "--db", loaded_db.url)
    assert again.code == 1 and "--force" in again.err
    restored = cli("restore", str(file), "--yes", "--db", loaded_db.url, "--json")
    assert restored.code == 0, restored.err
    assert json.loads(restored.out)["subjects_erased_again"] == 0
    bad = cli("restore", str(tmp_path / "missing.pdbackup"), "--yes", "--db", loaded_db.url)
    assert bad.code == 2 and "no such file" in bad.err
