"""Scrubbing after an erasure completes on both databases: SQLite's WAL ends empty."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from privacydesk.consent.keys import bind_settings
from privacydesk.subject_requests.fulfil import fulfil_erasure, scrub_storage
from tests.fulfil.conftest import Store
from tests.fulfil.test_erasure import TODAY


def test_scrubbing_after_an_erasure_completes(store: Store, tmp_path: Path) -> None:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        fulfil_erasure(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=store.marieke,
            today=TODAY,
            out_dir=tmp_path,
            actor="user:1",
        )
    assert scrub_storage(store.db.engine)
    if store.db.is_sqlite:
        wal = Path(str(make_url(store.db.url).database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0
