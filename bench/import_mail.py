"""`import mail` of a generated mbox (most bytes in attachments) against known subjects, on SQLite."""

from __future__ import annotations

import os
import resource
import secrets
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil

from bench import Result
from bench.corpus_gen import known_people, mbox_corpus
from privacydesk.imports.mail import import_mail
from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.register.service import store_register_version
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.subjects import create_subject

NAME = "import_mail"
DESCRIPTION = (
    "`import mail` of a generated mbox (~13 KB per message, most of it a base64 attachment; NL/EN bodies "
    "naming other subjects, phones and IBANs) against known subjects, SQLite, one transaction. "
    "BENCH_MAIL_FULL=1: the issue's size, 1 GB (100,000 messages) against 100,000 subjects."
)
REGISTER = Path(__file__).resolve().parents[1] / "examples" / "ocqto" / "register.yaml"


class _PeakRss:
    """Samples this process's resident memory every 50 ms while running."""

    def __init__(self) -> None:
        self.process, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.05)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _store(tmp: Path, subjects: int) -> tuple[Database, Keyring, Register, list[tuple[str, str]]]:
    db = Database(f"sqlite:///{tmp / 'bench.db'}")
    migrate(db)
    keyring = Keyring.from_master(secrets.token_bytes(32))
    people = known_people(subjects)
    loaded = load_register(REGISTER)
    with db.session_scope() as session:
        store_register_version(session, loaded=loaded, actor="bench")
        for name, email in people:
            create_subject(
                session,
                keyring=keyring,
                register=loaded.register,
                subject_type="customer",
                identifiers={"name": [name], "email": [email]},
                actor="bench",
                audit_each=False,
            )
    return db, keyring, loaded.register, people


def run(quick: bool = False) -> list[Result]:
    subjects, messages, attachment = _size(quick)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db, keyring, register, people = _store(tmp, subjects)
        size = mbox_corpus(tmp / "bench.mbox", messages=messages, people=people, attachment_size=attachment)
        base = psutil.Process().memory_info().rss
        with _PeakRss() as rss:
            started, cpu = time.perf_counter(), _cpu()
            with db.session_scope() as session:
                summary = import_mail(
                    session,
                    keyring=keyring,
                    register=register,
                    path=tmp / "bench.mbox",
                    actor="bench",
                    today=date.today(),
                )
            seconds, cpu_seconds = time.perf_counter() - started, _cpu() - cpu
        db.dispose()
    mb = size / 1e6
    peak = (rss.peak - base) / 1e6
    return [
        Result("known subjects", subjects, "subjects"),
        Result(
            "mbox",
            mb,
            "MB",
            note=f"{messages:,} messages; {summary.added:,} stored, {summary.records:,} links",
        ),
        Result(
            "import speed (wall clock, 2 cores)",
            mb / seconds,
            "MB/s",
            "≥ 20 MB/s",
            mb / seconds >= 20,
            note=f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        ),
        Result("import speed per CPU-second (all processes)", mb / cpu_seconds, "MB/s"),
        Result("messages per second (wall clock)", messages / seconds, "msg/s"),
        Result("peak memory above baseline", peak, "MB", "< 500 MB", peak < 500),
    ]


def _size(quick: bool) -> tuple[int, int, int]:
    """(known subjects, messages, attachment bytes): quick, the default (132 MB), or the issue's full size
    with BENCH_MAIL_FULL=1 — 100,000 messages of about 10 KB (1 GB) against 100,000 known subjects.
    BENCH_MAIL_SUBJECTS and BENCH_MAIL_MESSAGES set the counts by hand."""
    if quick:
        return 2_000, 2_000, 12_000
    if os.environ.get("BENCH_MAIL_FULL") == "1":
        return 100_000, 100_000, 9_300
    return (
        int(os.environ.get("BENCH_MAIL_SUBJECTS", 20_000)),
        int(os.environ.get("BENCH_MAIL_MESSAGES", 10_000)),
        12_000,
    )


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the parsing workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
