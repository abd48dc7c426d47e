"""Single-use, expiring download links: refused alike when forged, reused or expired; audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from privacydesk.errors import UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from privacydesk.store.models.fulfilment import Download
from privacydesk.subject_requests.fulfil.downloads import claim_download, create_download


@pytest.fixture
def answer(tmp_path: Path) -> Path:
    path = tmp_path / "answer.zip"
    path.write_bytes(b"PK")
    return path


def _create(db: Database, path: Path, days: int = 7) -> str:
    with db.session_scope() as session:
        return create_download(session, path=path, expires_at=utcnow() + timedelta(days=days), actor="user:1")


def _claim(db: Database, token: str) -> Path | None:
    with db.session_scope() as session:
        return claim_download(session, token=token)


def _refusals(db: Database) -> int:
    with db.session_scope() as session:
        return len(session.execute(select(AuditEntry).where(AuditEntry.action == "download.refused")).all())


def test_a_link_gives_the_file_once(loaded_db: Database, answer: Path) -> None:
    token = _create(loaded_db, answer)
    assert _claim(loaded_db, token) == answer
    assert _claim(loaded_db, token) is None
    assert _refusals(loaded_db) == 1


def test_an_expired_link_is_refused(loaded_db: Database, answer: Path) -> None:
    token = _create(loaded_db, answer)
    with loaded_db.session_scope() as session:
        session.execute(update(Download).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert _claim(loaded_db, token) is None


def test_a_forged_token_is_refused_and_audited_without_the_token(loaded_db: Database, answer: Path) -> None:
    _create(loaded_db, answer)
    assert _claim(loaded_db, "forged-" + "x" * 40) is None
    with loaded_db.session_scope() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "download.refused")
        ).scalar_one()
        assert "forged" not in str(entry.details) and entry.details == {"known": False}


def test_only_a_hash_of_the_token_is_stored(loaded_db: Database, answer: Path) -> None:
    token = _create(loaded_db, answer)
    with loaded_db.session_scope() as session:
        row = session.execute(select(Download)).scalar_one()
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_a_link_that_has_already_expired_cannot_be_made(loaded_db: Database, answer: Path) -> None:
    with pytest.raises(UnusableInput):
        _create(loaded_db, answer, days=-1)
