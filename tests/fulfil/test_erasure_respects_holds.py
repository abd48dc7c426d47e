"""An erasure request never deletes data under a legal hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from privacydesk.consent.keys import bind_settings
from privacydesk.errors import Refused
from privacydesk.store.models.subjects import Record, Subject
from privacydesk.subject_requests.fulfil.erasure import fulfil_erasure
from privacydesk.subject_requests.fulfil.result import Result
from tests.fulfil.conftest import Store
from tests.fulfil.test_erasure import TODAY

holds = pytest.importorskip(
    "privacydesk.retention.holds", reason="the retention part (holds) is not installed"
)


def _erase(store: Store, tmp_path: Path) -> Result:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        return fulfil_erasure(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=store.marieke,
            today=TODAY,
            out_dir=tmp_path,
            actor="user:1",
        )


def _hold(store: Store, **target: object) -> None:
    with store.db.session_scope() as session:
        holds.place_hold(session, reason="claim 2026-17", today=TODAY, actor="user:1", **target)


def test_a_held_record_is_kept_and_the_rest_erased(store: Store, tmp_path: Path) -> None:
    with store.db.session_scope() as session:
        note = session.execute(
            select(Record.id).where(Record.subject_id == store.marieke, Record.kind == "note")
        ).scalar_one()
    _hold(store, record_id=note)
    summary = _erase(store, tmp_path).summary
    assert ("correspondence", "service_contact", 1, "legal hold 1: claim 2026-17", None) in [
        (k.category, k.purpose, k.records, k.reason, k.until) for k in summary.kept
    ]
    with store.db.session_scope() as session:
        assert session.get(Record, note) is not None


def test_a_hold_on_the_whole_person_refuses_the_erasure(store: Store, tmp_path: Path) -> None:
    with store.db.session_scope() as session:
        ref = session.get(Subject, store.marieke).ref  # type: ignore[union-attr]
    _hold(store, subject_ref=ref)
    with pytest.raises(Refused, match="legal hold"):
        _erase(store, tmp_path)
    with store.db.session_scope() as session:
        assert session.get(Subject, store.marieke).erased_at is None  # type: ignore[union-attr]
