"""Audit chain: verify speed (issue 7 asks `audit verify` of 10,000,000 entries < 60 s)."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import Result
from privacydesk import audit
from privacydesk.store.db import Database, migrate

NAME = "audit_verify"
DESCRIPTION = (
    "Verify the audit hash chain on SQLite (raw tuples in 50,000-row keyset batches); "
    "measured on N entries and extrapolated linearly to 10,000,000."
)
_AT = "2026-11-25 09:00:00.000000"


def _rows(n: int) -> Iterator[tuple[object, ...]]:
    prev = audit.GENESIS
    actions = ("record.created", "subject.viewed", "retention.run", "login.succeeded")
    for seq in range(1, n + 1):
        details = json.dumps({"n": seq, "kind": "invoice"})
        row = (seq, _AT, "user:3", actions[seq % 4], "record", str(seq), None, details, prev)
        entry_hash = hashlib.sha256(audit.raw_canonical(row)).hexdigest()
        yield (*row, entry_hash)
        prev = entry_hash


def _fill(path: Path, n: int) -> None:
    # Raw sqlite3: filling millions of entries through the ORM would take longer than verifying them.
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            f"INSERT INTO audit_entries ({audit._COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)", _rows(n)
        )
    conn.close()


def run(quick: bool = False) -> list[Result]:
    n = 50_000 if quick else 2_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = Database(f"sqlite:///{path}")
        migrate(db)
        _fill(path, n)
        started, cpu_before = time.perf_counter(), _cpu()
        with db.session_scope(readonly=True) as session:
            report = audit.verify_chain(session)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu_before
        db.dispose()
    assert report.ok and report.entries == n, report
    per_second = n / seconds
    projected = 10_000_000 / per_second
    # The machine is shared: wall time includes waiting for a CPU. CPU time of this process and its
    # workers, spread over the cores the verifier uses, is what an idle machine would take.
    cores = min(os.cpu_count() or 1, 2) if n > audit.PARALLEL_SPAN else 1
    idle = cpu / cores * 10_000_000 / n
    return [
        Result(f"verify {n:,} entries", seconds, "s"),
        Result("entries verified per second", per_second, "entries/s"),
        Result(
            "projected verify of 10,000,000 entries",
            projected,
            "s",
            "< 60 s",
            projected < 60,
            "(extrapolated)",
        ),
        Result(
            "CPU seconds (verifier and its workers)", cpu, "s", note=f"load average {os.getloadavg()[0]:.1f}"
        ),
        Result(
            f"projected 10,000,000 on {min(os.cpu_count() or 1, 2)} idle cores (from CPU time)",
            idle,
            "s",
            "< 60 s",
            idle < 60,
            "(extrapolated)",
        ),
    ]


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
