"""The admin's audit listing: filter by action, actor, target and date, newest first, paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from privacydesk import audit
from privacydesk.store.db import Database


def _seed(db: Database) -> None:
    old = datetime(2025, 1, 1, tzinfo=UTC)
    with db.session_scope() as session:
        audit.record(
            session,
            action=audit.Action.SUBJECT_VIEWED,
            actor="user:1",
            target_type="subject",
            target_id="ab12",
            at=old,
        )
        audit.record(
            session,
            action=audit.Action.SUBJECT_VIEWED,
            actor="user:2",
            target_type="subject",
            target_id="cd34",
        )
        audit.record(
            session, action=audit.Action.HOLD_PLACED, actor="user:1", target_type="subject", target_id="cd34"
        )


def test_entries_come_newest_first_and_filter_by_action_actor_and_target(db: Database) -> None:
    _seed(db)
    with db.session_scope(readonly=True) as session:
        assert [e.action for e in audit.search_audit(session)] == [
            "hold.placed",
            "subject.viewed",
            "subject.viewed",
        ]
        assert len(audit.search_audit(session, action="subject.viewed")) == 2
        assert [e.actor for e in audit.search_audit(session, actor="user:2")] == ["user:2"]
        assert len(audit.search_audit(session, target="subject:cd34")) == 2
        assert len(audit.search_audit(session, target="cd34", action="hold.placed")) == 1


def test_since_and_paging_narrow_the_list(db: Database) -> None:
    _seed(db)
    with db.session_scope(readonly=True) as session:
        recent = audit.search_audit(session, since=datetime.now(UTC) - timedelta(days=1))
        assert len(recent) == 2
        assert [e.seq for e in audit.search_audit(session, limit=1, offset=1)] == [2]


def test_the_cli_lists_entries_as_json(db: Database, cli) -> None:  # type: ignore[no-untyped-def]
    _seed(db)
    result = cli("audit", "list", "--db", db.url, "--action", "subject.viewed", "--json")
    assert result.code == 0, result.err
    import json

    rows = json.loads(result.out)
    assert [r["target_id"] for r in rows] == ["cd34", "ab12"]
    bad = cli("audit", "list", "--db", db.url, "--since", "yesterday")
    assert bad.code == 2 and "--since" in bad.err
