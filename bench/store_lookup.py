"""Subject lookup by e-mail, phone and IBAN at 1,000,000 subjects on SQLite (target: p95 < 2 ms).

The store is filled set-based (lookups do not depend on how rows got there): each subject gets an
e-mail, a phone and an IBAN identifier with its real blind index. Then `find_by_identifier` — the
function the CLI, the web and the request workflow use — is timed for known values in the formats
people type (phones with spaces, IBANs in groups).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench import Result
from privacydesk.store.base import Base, utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.subjects import find_by_identifier

NAME = "store_lookup"
DESCRIPTION = (
    "find_by_identifier (e-mail / phone / IBAN) at N subjects on SQLite, p50/p95 over 3,000 lookups."
)
BANKS = ("ABNA", "RABO", "INGB", "KNAB")


def _iban(n: int) -> str:
    from stdnum import iban

    bank, account = BANKS[n % 4], f"{n:010d}"
    return f"NL{iban.calc_check_digits(f'NL00{bank}{account}')}{bank}{account}"


def _people(n: int) -> list[tuple[str, str, str]]:
    return [(f"person{i}@example.nl", f"+316{10_000_000 + i:08d}", _iban(i)) for i in range(n)]


def _fill(db: Database, keyring: Keyring, people: list[tuple[str, str, str]]) -> None:
    subjects, identifiers = Base.metadata.tables["subjects"], Base.metadata.tables["identifiers"]
    now, blob = utcnow(), os.urandom(64)
    with db.engine.begin() as conn:
        for start in range(0, len(people), 50_000):
            chunk = people[start : start + 50_000]
            conn.execute(
                insert(subjects),
                [
                    {
                        "id": start + i + 1,
                        "ref": f"{start + i:032x}",
                        "subject_type": "customer",
                        "created_at": now,
                        "restricted": False,
                        "objected_marketing": False,
                    }
                    for i in range(len(chunk))
                ],
            )
            rows = []
            for i, (email, phone, iban) in enumerate(chunk):
                for kind, value in (("email", email), ("phone", phone), ("iban", iban)):
                    rows.append(
                        {
                            "subject_id": start + i + 1,
                            "kind": kind,
                            "value_enc": blob,
                            "created_at": now,
                            "blind_index": keyring.blind_index(kind, value),
                        }
                    )
            conn.execute(insert(identifiers), rows)


def _typed(kind: str, value: str) -> str:
    """The value as a person would type it."""
    if kind == "phone":
        return "06 " + value[4:6] + " " + value[6:9] + " " + value[9:]
    if kind == "iban":
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)).lower()
    return value.upper()


def run(quick: bool = False) -> list[Result]:
    n = 50_000 if quick else 1_000_000
    keyring = Keyring.from_master(b"\x01" * 32)
    people = _people(n)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'lookup.db'}")
        migrate(db)
        started = time.perf_counter()
        _fill(db, keyring, people)
        fill_seconds = time.perf_counter() - started
        timings: list[float] = []
        cpu: list[float] = []
        with db.session_scope(readonly=True) as session:
            for _ in range(3000):
                kind = rng.choice(("email", "phone", "iban"))
                person = rng.choice(people)
                value = _typed(kind, person[("email", "phone", "iban").index(kind)])
                t0, c0 = time.perf_counter(), time.thread_time()
                found = find_by_identifier(session, keyring=keyring, kind=kind, value=value)
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.thread_time() - c0) * 1000)
                assert len(found) == 1
        db.dispose()
    timings.sort()
    cpu.sort()
    p95 = timings[int(len(timings) * 0.95)]
    load = os.getloadavg()[0]
    return [
        Result("subjects in the store", n, "subjects", note=f"filled in {fill_seconds:.0f} s"),
        Result("lookup p50", statistics.median(timings), "ms"),
        Result(
            "lookup p95",
            p95,
            "ms",
            "< 2 ms",
            p95 < 2,
            note=f"load average {load:.1f} on {os.cpu_count()} cores",
        ),
        Result("lookup p95, CPU time of the lookup itself", cpu[int(len(cpu) * 0.95)], "ms"),
    ]
