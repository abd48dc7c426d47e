"""Data-subject requests at scale: fulfilling an access request (the ZIP written, PDF included)
and an erasure (committed, WAL scrubbed) for one subject among 1,000,000 subjects, 10,000,000
records and 1,000,000 messages on SQLite (issue 5: each under 2 s).

The data set is generated set-based inside SQLite (recursive CTEs, randomblob): the filler rows
carry random bytes of realistic size where real rows carry ciphertext, which is all the queries
see. The subjects that are measured are created through the real services (keys, sealed
identifiers and records, a message, a consent), so their requests do all the real work.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import Result
from privacydesk.config import Settings
from privacydesk.consent import ledger
from privacydesk.consent.keys import bind_settings
from privacydesk.correspondence import MessageIn, store_message
from privacydesk.register.load import load_register
from privacydesk.register.service import current_register, store_register_version
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.subject_requests.fulfil import fulfil_access, fulfil_erasure, scrub_storage
from privacydesk.subjects import add_record, create_subject

NAME = "requests"
DESCRIPTION = "Access and erasure of one subject among 1M subjects / 10M records / 1M messages (SQLite)."
ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)
TARGETS = 5
NOW = "'2026-01-01 00:00:00.000000'"


def _series(n: int) -> str:
    return f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n}) "


FILL = [
    lambda s, r, m: (
        _series(s) + "INSERT INTO subjects (id, ref, subject_type, created_at, restricted, "
        f"objected_marketing) SELECT x, lower(hex(randomblob(16))), 'customer', {NOW}, 0, 0 FROM c"
    ),
    lambda s, r, m: (
        _series(s) + "INSERT INTO subject_keys (subject_id, wrapped_key, created_at) "
        f"SELECT x, randomblob(61), {NOW} FROM c"
    ),
    lambda s, r, m: (
        _series(s * 2) + "INSERT INTO identifiers (subject_id, kind, blind_index, value_enc, "
        f"created_at) SELECT (x + 1) / 2, CASE x % 2 WHEN 0 THEN 'email' ELSE 'name' END, "
        f"lower(hex(randomblob(32))), randomblob(60), {NOW} FROM c"
    ),
    lambda s, r, m: (
        _series(m) + "INSERT INTO messages (id, fingerprint, sent_at, direction, channel, "
        f"content_enc, size, created_at) SELECT x, lower(hex(randomblob(32))), {NOW}, 'in', 'email', "
        f"randomblob(400), 350, {NOW} FROM c"
    ),
    lambda s, r, m: (
        _series(r) + "INSERT INTO records (subject_id, kind, category, purpose, source, "
        "created_at, event_on, expires_on, payload_enc, message_id, restricted, fingerprint, "
        "register_version) "
        f"SELECT ((x - 1) % {s}) + 1, CASE WHEN x <= {m} THEN 'message' ELSE 'contact' END, "
        "CASE WHEN x <= "
        + str(m)
        + " THEN 'correspondence' ELSE 'email' END, 'service_contact', 'data_subject', "
        f"{NOW}, '2026-01-01', '2028-01-01', randomblob(90), CASE WHEN x <= {m} THEN x END, 0, "
        "lower(hex(randomblob(32))), 1 FROM c"
    ),
]


def _fill(db: Database, subjects: int, records: int, messages: int) -> None:
    """Fill set-based, with the big tables' indexes dropped first and rebuilt after (much faster)."""
    with db.engine.begin() as conn:
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('records', 'identifiers', 'messages', 'subjects')"
        ).all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        for make in FILL:
            conn.exec_driver_sql(make(subjects, records, messages))
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    scrub_storage(db.engine)


def _target(session, keyring: Keyring, i: int) -> int:  # type: ignore[no-untyped-def]
    _, reg = current_register(session)
    email = f"target{i}@example.nl"
    subject = create_subject(
        session,
        keyring=keyring,
        register=reg,
        subject_type="customer",
        actor="bench",
        identifiers={"name": [f"Target Person {i}"], "email": [email], "phone": ["+31612345678"]},
    )
    for category, purpose, payload in (
        ("name", "service_contact", {"name": f"Target Person {i}"}),
        ("email", "service_contact", {"email": email}),
        ("address", "delivery", {"street": "Kerkstraat 1", "city": "Dirksland"}),
        ("email", "newsletter", {"email": email}),
    ):
        add_record(
            session,
            keyring=keyring,
            register=reg,
            subject=subject,
            kind="contact",
            category=category,
            purpose=purpose,
            source="data_subject",
            payload=payload,
            actor="bench",
        )
    for n in range(3):
        add_record(
            session,
            keyring=keyring,
            register=reg,
            subject=subject,
            kind="invoice",
            category="invoices",
            purpose="payment",
            source="data_subject",
            event_on=date(2025, 3, 1 + n),
            payload={"number": f"2025-{i}-{n}", "amount": "121.00"},
            actor="bench",
        )
    message = MessageIn(
        f"bench-{i}", None, "in", "email", {"subject": "Vraag", "body": "Klopt dit?", "from": email}
    )
    store_message(
        session,
        keyring=keyring,
        register=reg,
        message=message,
        links=[(subject, "from")],
        purpose="service_contact",
        actor="bench",
    )
    notice = ledger.notice_for(session, text="Nieuwsbrief", language="nl")
    ledger.record_consent(
        session,
        subject_id=subject.id,
        purpose="newsletter",
        state=ledger.ConsentState.GIVEN,
        channel=ledger.Channel.FORM,
        notice=notice,
        actor="bench",
    )
    return subject.id


def _setup(tmp: Path, subjects: int, records: int, messages: int) -> tuple[Database, Settings, list[int]]:
    key = tmp / "bench.key"
    key.write_text("q1w0fHzW1nQ3d0gCq6G0l4tWmZ1Vw7k1c2Lr9s8pXo4=\n")
    settings = Settings(env="test", database_url=f"sqlite:///{tmp / 'bench.db'}", key_file=key, data_dir=tmp)
    db = Database(settings.database_url)
    migrate(db)
    _fill(db, subjects, records, messages)
    keyring = Keyring.from_settings(settings)
    with db.session_scope() as session:
        bind_settings(session, settings)
        store_register_version(
            session, loaded=load_register(ROOT / "examples/ocqto/register.yaml"), actor="bench"
        )
        targets = [_target(session, keyring, i) for i in range(TARGETS)]
    return db, settings, targets


def _time_access(db: Database, settings: Settings, subject_id: int, out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (CPU shows the cost apart from other processes on the machine)."""
    keyring = Keyring.from_settings(settings)
    started, cpu = time.perf_counter(), time.process_time()
    with db.session_scope() as session:
        bind_settings(session, settings)
        _, reg = current_register(session)
        fulfil_access(
            session,
            keyring=keyring,
            register=reg,
            subject_id=subject_id,
            lang="nl",
            made_on=TODAY,
            reference="BENCH",
            out_dir=out,
            actor="bench",
        )
    return time.perf_counter() - started, time.process_time() - cpu


def _time_erasure(db: Database, settings: Settings, subject_id: int, out: Path) -> float:
    keyring = Keyring.from_settings(settings)
    started = time.perf_counter()
    with db.session_scope() as session:
        bind_settings(session, settings)
        _, reg = current_register(session)
        fulfil_erasure(
            session,
            keyring=keyring,
            register=reg,
            subject_id=subject_id,
            today=TODAY,
            out_dir=out,
            actor="bench",
        )
    scrub_storage(db.engine)
    return time.perf_counter() - started


def _weasyprint_import() -> float:
    """What a fresh process (e.g. one `requests fulfil` command) pays once before its first PDF."""
    code = "import time; t = time.perf_counter(); import weasyprint; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.strip())


def run(quick: bool = False) -> list[Result]:
    size = (20_000, 200_000, 20_000) if quick else (1_000_000, 10_000_000, 1_000_000)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        started = time.perf_counter()
        db, settings, targets = _setup(tmp, *size)
        setup = time.perf_counter() - started
        timed = [_time_access(db, settings, t, tmp / "out") for t in targets]
        access, access_cpu = [w for w, _ in timed], [c for _, c in timed]
        erasure = [_time_erasure(db, settings, t, tmp / "out") for t in targets]
        db_mb = (tmp / "bench.db").stat().st_size / 1e6
        db.dispose()
    label = f"{size[0]:,} subjects / {size[1]:,} records / {size[2]:,} messages"
    return [
        Result("data set generated", setup, "s", note=f"{label}; database {db_mb:,.0f} MB"),
        Result(
            "access request, ZIP written (median of 5)",
            statistics.median(access),
            "s",
            "< 2 s",
            max(access) < 2,
            note=f"max {max(access):.2f} s",
        ),
        Result(
            "access request, CPU time of the process (median of 5)",
            statistics.median(access_cpu),
            "s",
            note="the wall-clock figure above grows with the load other processes put on the machine",
        ),
        Result(
            "WeasyPrint import, once per fresh process (not in the access figure)",
            _weasyprint_import(),
            "s",
            note="a one-shot CLI process adds this once, to its first access answer",
        ),
        Result(
            "erasure, committed and WAL scrubbed (median of 5)",
            statistics.median(erasure),
            "s",
            "< 2 s",
            max(erasure) < 2,
            note=f"max {max(erasure):.2f} s",
        ),
    ]
