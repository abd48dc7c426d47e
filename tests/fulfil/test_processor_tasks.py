"""Processor tasks: open after an erasure, listed open first, closed once when confirmed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from privacydesk.consent.keys import bind_settings
from privacydesk.errors import InvalidTransition, NotFound
from privacydesk.subject_requests.fulfil import complete_processor_task, fulfil_erasure, list_processor_tasks
from tests.fulfil.conftest import Store


def _erase(store: Store, tmp_path: Path) -> None:
    with store.db.session_scope() as session:
        bind_settings(session, store.settings)
        fulfil_erasure(
            session,
            keyring=store.keyring,
            register=store.register,
            subject_id=store.marieke,
            today=date(2026, 11, 25),
            out_dir=tmp_path,
            actor="user:1",
        )


def test_a_confirmed_task_moves_behind_the_open_ones(store: Store, tmp_path: Path) -> None:
    _erase(store, tmp_path)
    with store.db.session_scope() as session:
        first, *rest = list_processor_tasks(session)
        complete_processor_task(session, task_id=first.id, actor="user:1")
    with store.db.session_scope() as session:
        tasks = list_processor_tasks(session)
        assert tasks[-1].id == first.id and tasks[-1].status == "done" and tasks[-1].done_by == "user:1"
        assert all(t.status == "open" for t in tasks[:-1])


def test_a_task_cannot_be_completed_twice(store: Store, tmp_path: Path) -> None:
    _erase(store, tmp_path)
    with store.db.session_scope() as session:
        task = list_processor_tasks(session)[0]
        complete_processor_task(session, task_id=task.id, actor="user:1")
        with pytest.raises(InvalidTransition):
            complete_processor_task(session, task_id=task.id, actor="user:1")


def test_an_unknown_task_is_refused(store: Store) -> None:
    with store.db.session_scope() as session, pytest.raises(NotFound):
        complete_processor_task(session, task_id=424242, actor="user:1")


def test_completing_a_task_removes_the_hashed_identities(store: Store, tmp_path: Path) -> None:
    _erase(store, tmp_path)
    with store.db.session_scope() as session:
        task = list_processor_tasks(session)[0]
        assert task.body["subject_identities"]
        complete_processor_task(session, task_id=task.id, actor="user:1")
    with store.db.session_scope() as session:
        assert list_processor_tasks(session, status="done")[0].body["subject_identities"] == []
