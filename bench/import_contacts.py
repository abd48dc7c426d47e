"""`import contacts` of N generated vCards 3.0 (target: 100,000 in under 15 s), in this process."""

from __future__ import annotations

import random
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import Result
from privacydesk.imports.contacts import import_contacts
from privacydesk.register.load import load_register
from privacydesk.register.service import store_register_version
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.subjects import create_subject

NAME = "import_contacts"
DESCRIPTION = (
    "Import N vCards (name, mobile, e-mail each) as one customer's contact list on SQLite; the import "
    "reads and seals the cards in a worker process on the second core, so the target is on wall time."
)
REGISTER = Path(__file__).resolve().parents[1] / "examples" / "ocqto" / "register.yaml"


def write_vcards(path: Path, n: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    with path.open("w") as fh:
        for i in range(n):
            fh.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Achter{i};Voor{i};;;\r\nFN:Voor{i} Achter{i}\r\n"
                f"TEL;TYPE=CELL:06{rng.randrange(1, 6)}{rng.randrange(1_000_000, 9_999_999)}\r\n"
                f"EMAIL;TYPE=INTERNET:contact{i}@example.nl\r\nEND:VCARD\r\n"
            )


def run(quick: bool = False) -> list[Result]:
    n = 5_000 if quick else 100_000
    keyring = Keyring.from_master(b"\x02" * 32)
    loaded = load_register(REGISTER)
    with tempfile.TemporaryDirectory() as tmp:
        cards = Path(tmp) / "contacts.vcf"
        write_vcards(cards, n)
        db = Database(f"sqlite:///{Path(tmp) / 'import.db'}")
        migrate(db)
        with db.session_scope() as session:
            store_register_version(session, loaded=loaded, actor="bench")
            create_subject(
                session,
                keyring=keyring,
                register=loaded.register,
                subject_type="customer",
                identifiers={"email": ["owner@example.nl"]},
                actor="bench",
            )
        started, cpu, own = time.perf_counter(), _cpu_seconds(), time.process_time()
        with db.session_scope() as session:
            summary = import_contacts(
                session,
                keyring=keyring,
                register=loaded.register,
                path=cards,
                owner_email="owner@example.nl",
                today=date.today(),
                actor="bench",
            )
        seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu
        own = time.process_time() - own
        db.dispose()
    assert summary.added + summary.matched == n
    projected = seconds / n * 100_000
    return [
        Result("cards imported", n, "cards", note=f"{summary.added} added, {summary.matched} matched"),
        Result("CPU time (this process and its worker)", cpu_seconds, "s"),
        Result("CPU time of this process (inserts)", own, "s"),
        Result("CPU time of the worker (reading, sealing)", cpu_seconds - own, "s"),
        Result("cards per CPU second", n / cpu_seconds, "cards/s"),
        Result("wall time", seconds, "s"),
        Result("projected 100,000 cards (wall time)", projected, "s", "< 15 s", projected < 15),
    ]


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the import's worker process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
