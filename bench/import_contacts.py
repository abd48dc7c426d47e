"""`import contacts` of N generated vCards 3.0 (target: 100,000 in under 15 s), in this process."""

from __future__ import annotations

import random
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
DESCRIPTION = "Import N vCards (name, mobile, e-mail each) as one customer's contact list on SQLite."
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
        started, cpu = time.perf_counter(), time.process_time()
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
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        db.dispose()
    assert summary.added + summary.matched == n
    projected = cpu_seconds / n * 100_000
    return [
        Result("cards imported", n, "cards", note=f"{summary.added} added, {summary.matched} matched"),
        Result("wall time", seconds, "s"),
        Result("cards per CPU second", n / cpu_seconds, "cards/s"),
        Result("projected 100,000 cards (CPU time)", projected, "s", "< 15 s", projected < 15),
    ]
