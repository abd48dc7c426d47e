"""Audit chain: append and verify speed (issue 7 asks `audit verify` of 10,000,000 entries < 60 s)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench import Result
from privacydesk import audit
from privacydesk.store.base import utcnow
from privacydesk.store.db import Database, migrate
from privacydesk.store.models.core import AuditEntry

NAME = "audit_verify"
DESCRIPTION = "Verify the audit hash chain (SQLite); extrapolated to 10,000,000 entries."


def _fill(db: Database, n: int) -> None:
    prev = audit.GENESIS
    now = utcnow()
    rows = []
    for seq in range(1, n + 1):
        entry = AuditEntry(seq=seq, at=now, actor="system:bench", action="record.created",
                           target_type="record", target_id=str(seq), reason=None, details={"n": seq},
                           prev_hash=prev)
        entry.entry_hash = audit.hash_entry(entry)
        prev = entry.entry_hash
        rows.append({c: getattr(entry, c) for c in ("seq", "at", "actor", "action", "target_type", "target_id",
                                                      "reason", "details", "prev_hash", "entry_hash")})
    with db.engine.begin() as conn:
        conn.execute(AuditEntry.__table__.insert(), rows)


def run(quick: bool = False) -> list[Result]:
    n = 20_000 if quick else 500_000
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(db)
        _fill(db, n)
        started = time.perf_counter()
        with db.session_scope(readonly=True) as session:
            report = audit.verify_chain(session)
        seconds = time.perf_counter() - started
        db.dispose()
    assert report.ok and report.entries == n
    per_second = n / seconds
    projected = 10_000_000 / per_second
    return [
        Result("entries verified per second", per_second, "entries/s"),
        Result("projected verify of 10,000,000 entries", projected, "s", "< 60 s", projected < 60),
    ]
