"""The group-commit writer behind POST /api/consent: a post is answered only once its rows are in."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from privacydesk.config import Settings
from privacydesk.consent import banner
from privacydesk.consent.batch import GroupCommitWriter
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.core import AuditEntry


def _rows(ctx: banner.BannerContext) -> list[dict[str, Any]]:
    decision = banner.Decision(
        visitor=uuid.uuid4().hex, lang="nl", method="accept_all", choices={"analytics": True}, previous=set()
    )
    return banner.ledger_rows(decision, ctx, at=utcnow(), ip_prefix=None, gpc_header=False)


def _ctx(db: Database, settings: Settings) -> banner.BannerContext:
    with db.session_scope(readonly=True) as session:
        return banner.banner_context(session, settings=settings)


def _run(work: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(work())


def _count(db: Database, what: Any) -> int:
    with db.session_scope(readonly=True) as session:
        return int(session.execute(select(func.count()).select_from(what)).scalar_one())


def test_every_post_is_committed_when_its_answer_comes(loaded_db: Database, settings: Settings) -> None:
    ctx, writer = _ctx(loaded_db, settings), GroupCommitWriter(loaded_db, idle_seconds=0.2)

    async def post_many() -> None:
        await asyncio.gather(*(writer.submit(_rows(ctx)) for _ in range(300)))

    _run(post_many)
    assert _count(loaded_db, ConsentEvent) == 300
    with loaded_db.session_scope(readonly=True) as session:
        batches = session.execute(select(AuditEntry.details).where(AuditEntry.target_type == "consent_batch"))
        assert sum(details["posts"] for details in batches.scalars()) == 300


def test_a_failed_batch_fails_each_of_its_posts_and_the_next_one_is_stored(
    loaded_db: Database, settings: Settings
) -> None:
    ctx, writer = _ctx(loaded_db, settings), GroupCommitWriter(loaded_db, idle_seconds=0.2)
    twice = _rows(ctx)

    async def post_a_duplicate_then_a_good_one() -> None:
        await writer.submit(twice)
        with pytest.raises(Exception, match="(?i)unique"):
            await writer.submit(twice)  # the same record id again breaks the ledger's unique key
        await writer.submit(_rows(ctx))

    _run(post_a_duplicate_then_a_good_one)
    assert _count(loaded_db, ConsentEvent) == 2


def test_on_sqlite_the_wal_starts_over_while_posts_keep_coming(
    loaded_db: Database, settings: Settings
) -> None:
    if not loaded_db.is_sqlite:
        pytest.skip("WAL checkpoints are SQLite's")
    ctx = _ctx(loaded_db, settings)
    writer = GroupCommitWriter(loaded_db, idle_seconds=0.2, checkpoint_seconds=0.01)

    async def post_one_at_a_time() -> None:
        for _ in range(300):
            await writer.submit(_rows(ctx))

    _run(post_one_at_a_time)
    raw = loaded_db.engine.raw_connection()
    try:
        _, frames, _ = raw.dbapi_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()  # type: ignore[union-attr]
        autocheckpoint = raw.dbapi_connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]  # type: ignore[union-attr]
    finally:
        raw.close()
    # 300 commits write at least three pages each (table, two indexes): without restarts the WAL
    # would hold 900+ frames. The writer's own setting (no automatic checkpoints) stays its own.
    assert frames < 900
    assert autocheckpoint == 1000


def test_record_ids_are_uuid7_in_time_order() -> None:
    first = banner.record_id()
    asyncio.run(asyncio.sleep(0.002))
    second = banner.record_id()
    assert uuid.UUID(first).version == 7 and uuid.UUID(second).version == 7
    assert first[:13] < second[:13]  # the millisecond timestamp leads


def test_the_batch_stores_rows_exactly_as_a_plain_insert_would(
    loaded_db: Database, settings: Settings
) -> None:
    from sqlalchemy import Table, insert, text

    from privacydesk.consent.batch import write_banner_rows

    ctx = _ctx(loaded_db, settings)
    ours, plain = _rows(ctx), _rows(ctx)
    plain[0].update({k: v for k, v in ours[0].items() if k not in ("record_id", "visitor_id", "actor")})
    with loaded_db.session_scope() as session:
        write_banner_rows(session, rows=ours, posts=1)
        session.execute(insert(Table("consent_events", ConsentEvent.metadata)), plain)
    stored = "SELECT at, expires_at, evidence, state, notice_hash FROM consent_events ORDER BY id"
    with loaded_db.session_scope(readonly=True) as session:
        first, second = session.execute(text(stored)).all()
        event = session.execute(select(ConsentEvent).where(ConsentEvent.record_id == ours[0]["record_id"]))
        read_back = event.scalar_one()
        assert first == second
        assert read_back.at == ours[0]["at"] and read_back.evidence == ours[0]["evidence"]


def test_on_sqlite_a_batch_waits_for_another_writer_then_is_stored(
    loaded_db: Database, settings: Settings
) -> None:
    if not loaded_db.is_sqlite:
        pytest.skip("SQLite's single write lock")
    ctx, writer = _ctx(loaded_db, settings), GroupCommitWriter(loaded_db, idle_seconds=0.2)
    other = Database(loaded_db.url)  # as a second `serve` process on the same file would
    connection = other.engine.connect()
    holding = connection.begin()  # BEGIN IMMEDIATE: the write lock is the other's

    async def post_while_the_other_writes() -> None:
        answer = writer.submit(_rows(ctx))
        await asyncio.sleep(0.3)
        assert not answer.done()  # no answer before the commit
        holding.rollback()
        await asyncio.wait_for(answer, timeout=10)

    try:
        _run(post_while_the_other_writes)
    finally:
        connection.close()
        other.dispose()
    assert _count(loaded_db, ConsentEvent) == 1


def test_a_database_that_cannot_be_opened_fails_the_posts_instead_of_leaving_them_waiting(
    loaded_db: Database, settings: Settings, tmp_path: Path
) -> None:
    ctx = _ctx(loaded_db, settings)
    unreachable = Database(f"sqlite:///{tmp_path / 'no-such-folder' / 'ledger.db'}")
    writer = GroupCommitWriter(unreachable, idle_seconds=0.2, checkpoint_seconds=0.05)

    async def post() -> None:
        await asyncio.wait_for(writer.submit(_rows(ctx)), timeout=10)

    with pytest.raises(OperationalError):
        _run(post)
    unreachable.dispose()
