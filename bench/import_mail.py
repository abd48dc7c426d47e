"""`import mail` of a generated mbox (most bytes in attachments) against known subjects, on SQLite."""

from __future__ import annotations

import os
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
from privacydesk.register.service import store_register_version
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.subjects import create_subject

NAME = "import_mail"
DESCRIPTION = (
    "`import mail` of a generated mbox (~10 KB per message, most of it a base64 attachment; NL/EN bodies naming "
    "other subjects, phones and IBANs) against known subjects, SQLite, one transaction; wall clock and peak RSS."
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


def _store(tmp: Path, subjects: int) -> tuple[Database, Keyring, list[tuple[str, str]]]:
    db = Database(f"sqlite:///{tmp / 'bench.db'}")
    migrate(db)
    keyring = Keyring.from_master(secrets.token_bytes(32))
    people = known_people(subjects)
    loaded = load_register(REGISTER)
    with db.session_scope() as session:
        store_register_version(session, loaded=loaded, actor="bench")
        for name, email in people:
            create_subject(session, keyring=keyring, register=loaded.register, subject_type="customer",
                           identifiers={"name": [name], "email": [email]}, actor="bench", audit_each=False)
    return db, keyring, people


def run(quick: bool = False) -> list[Result]:
    subjects, messages = (2_000, 2_000) if quick else (int(os.environ.get("BENCH_MAIL_SUBJECTS", 20_000)),
                                                       int(os.environ.get("BENCH_MAIL_MESSAGES", 10_000)))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db, keyring, people = _store(tmp, subjects)
        size = mbox_corpus(tmp / "bench.mbox", messages=messages, people=people, attachment_size=12_000)
        register = load_register(REGISTER).register
        base = psutil.Process().memory_info().rss
        with _PeakRss() as rss:
            started = time.perf_counter()
            with db.session_scope() as session:
                summary = import_mail(session, keyring=keyring, register=register, path=tmp / "bench.mbox",
                                      actor="bench", today=date.today())
            seconds = time.perf_counter() - started
        db.dispose()
    mbs = size / 1e6 / seconds
    peak = (rss.peak - base) / 1e6
    return [
        Result("known subjects", subjects, "subjects"),
        Result("mbox", size / 1e6, "MB", note=f"{messages:,} messages; {summary.added:,} stored, "
                                            f"{summary.records:,} links"),
        Result("import speed", mbs, "MB/s", "≥ 20 MB/s", mbs >= 20),
        Result("messages per second", messages / seconds, "msg/s"),
        Result("peak memory above baseline", peak, "MB", "< 500 MB", peak < 500),
    ]
