"""Retention at scale on SQLite: `retention plan` and `retention run` over N records, 20% expired.

The store is filled with raw sqlite3 (the ORM would take longer than what is measured). A tenth of
the expired records are invoices under the anonymise rule, sealed for real under their subject's
key, so the run decrypts them and keeps the register's fields. Plan and run each execute in a fresh
process whose own peak memory (VmHWM) is reported. N defaults to 5,000,000 (quick: 100,000);
BENCH_RETENTION_RECORDS overrides it.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from bench import Result
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.crypto import Keyring, seal_json
from privacydesk.store.db import Database, migrate
from privacydesk.subjects import aad_for

NAME = "retention"
DESCRIPTION = (
    "retention plan and retention run on SQLite, N records in N/5 subjects, 20% expired (half in subjects "
    "that expire whole, half scattered; a tenth of them anonymised invoices), 5,000 subjects per "
    "transaction; each step in a fresh process, peak RSS measured."
)
ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2027, 6, 1)
MASTER = bytes(range(32))
STAMP = "2026-01-01 00:00:00.000000"
PURPOSES = [  # (kind, category, purpose)
    ("call_note", "correspondence", "service_contact"),
    ("delivery", "address", "delivery"),
    ("contact", "email", "service_updates"),
]

STEP = """
import json, sys, time
from datetime import date
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
db, step, today = Database(sys.argv[1]), sys.argv[2], date.fromisoformat(sys.argv[3])
started, cpu = time.perf_counter(), time.process_time()
if step == "plan":
    from privacydesk.retention.plan import plan_retention
    with db.session_scope(readonly=True) as session:
        plan = plan_retention(session, register=current_register(session)[1], today=today)
    count = plan.total
else:
    from privacydesk.retention.run import run_retention
    summary = run_retention(db, keyring=Keyring.from_master(bytes(range(32))), today=today, actor="bench")
    count = summary.records_deleted + summary.records_anonymised
# VmHWM: this process's own peak. ru_maxrss would also count the parent's heap copied by fork.
peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(json.dumps({"seconds": time.perf_counter() - started, "count": count, "cpu": time.process_time() - cpu,
                  "rss_mb": peak_kb / 1024}))
"""


def _expiry(rng: random.Random, expired: bool) -> str:
    days = rng.randint(1, 2000)
    return (TODAY - timedelta(days=days) if expired else TODAY + timedelta(days=days)).isoformat()


def _records(
    n: int, keyring: Keyring, keys: dict[int, bytes], refs: list[str]
) -> Iterator[tuple[object, ...]]:
    rng = random.Random(5)
    filler = os.urandom(80)
    for rid in range(1, n + 1):
        sid = (rid - 1) // 5 + 1
        whole = sid % 10 == 0  # a tenth of the subjects expire whole (10% of records) …
        expired = whole or rng.random() < 0.1 / 0.9  # … and 10% of the rest, scattered
        if expired and rid % 10 == 0:
            payload = {"number": f"F{rid}", "date": "2019-03-01", "amount": rid % 997}
            blob = seal_json(keys[sid], payload, aad_for(refs[sid], "invoice"))
            kind, category, purpose = "invoice", "invoices", "payment"
        else:
            blob, (kind, category, purpose) = filler, PURPOSES[rid % 3]
        yield (
            rid,
            sid,
            kind,
            category,
            purpose,
            "data_subject",
            STAMP,
            "2019-03-01",
            _expiry(rng, expired),
            blob,
            0,
            1,
        )


def _fill(path: Path, n: int) -> None:
    keyring = Keyring.from_master(MASTER)
    subjects = n // 5
    rng = random.Random(3)
    refs = [""] + [f"{rng.getrandbits(128):032x}" for _ in range(subjects)]
    keys: dict[int, bytes] = {}
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO subjects (id, ref, subject_type, created_at, restricted, objected_marketing) "
            "VALUES (?, ?, 'customer', ?, 0, 0)",
            ((sid, refs[sid], STAMP) for sid in range(1, subjects + 1)),
        )
        wrapped_rows = []
        for sid in range(1, subjects + 1):
            dek, wrapped = (
                keyring.new_subject_key(refs[sid]) if sid % 2 == 0 or sid % 10 == 0 else (b"", b"x" * 60)
            )
            keys[sid] = dek
            wrapped_rows.append((sid, wrapped, STAMP))
        conn.executemany(
            "INSERT INTO subject_keys (subject_id, wrapped_key, created_at) VALUES (?, ?, ?)", wrapped_rows
        )
        conn.executemany(
            "INSERT INTO records (id, subject_id, kind, category, purpose, source, created_at, event_on, "
            "expires_on, payload_enc, restricted, register_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            _records(n, keyring, keys, refs),
        )
    conn.close()


def _step(url: str, step: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", STEP, url, step, TODAY.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> list[Result]:
    n = int(os.environ.get("BENCH_RETENTION_RECORDS", 100_000 if quick else 5_000_000))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        db = Database(f"sqlite:///{path}")
        migrate(db)
        with db.session_scope() as session:
            store_register_version(
                session, loaded=load_register(ROOT / "examples/ocqto/register.yaml"), actor="bench"
            )
        db.dispose()
        _fill(path, n)
        plan = _step(f"sqlite:///{path}", "plan")
        erased = _step(f"sqlite:///{path}", "run")
    rate = erased["count"] / erased["seconds"]
    # On a shared machine wall time includes waiting for a CPU; the CPU-time rate is the idle-machine one.
    cpu_rate = erased["count"] / erased["cpu"]
    return [
        Result("records", n, "records", note=f"{plan['count']:,.0f} expired"),
        Result("retention plan", plan["seconds"], "s", "< 10 s", plan["seconds"] < 10),
        Result("plan peak memory", plan["rss_mb"], "MB", "< 300 MB", plan["rss_mb"] < 300),
        Result("retention run: records erased per second", rate, "records/s", ">= 50,000", rate >= 50_000),
        Result("retention run", erased["seconds"], "s", note=f"{erased['count']:,.0f} records erased"),
        Result(
            "run: records erased per CPU second",
            cpu_rate,
            "records/s",
            ">= 50,000",
            cpu_rate >= 50_000,
            f"load average {os.getloadavg()[0]:.1f}",
        ),
        Result("plan CPU seconds", plan["cpu"], "s", "< 10 s", plan["cpu"] < 10),
        Result("run peak memory", erased["rss_mb"], "MB", "< 300 MB", erased["rss_mb"] < 300),
    ]
