"""Reliability: SIGKILL `retention run` at random moments (at least 20 times). After every kill no
subject is half-erased, nothing held or not yet expired is touched, the audit chain verifies; after
a final rerun every expired record is gone."""

from __future__ import annotations

import base64
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from privacydesk import audit, subjects
from privacydesk.register.load import load_register
from privacydesk.register.service import current_register, store_register_version
from privacydesk.retention import holds
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database, migrate
from privacydesk.store.models.retention import RetentionRun
from privacydesk.store.models.subjects import Record, Subject
from tests.conftest import OCQTO_REGISTER
from tests.retention.conftest import TODAY, invoice, note

KILLS = 20
SUBJECTS = 240
# The engine that `privacydesk retention run` calls, in a process of its own. (Loading the whole CLI
# takes seconds on a busy machine; a lean script lets the kills land inside the run itself.)
RUNNER = """
import sys
from datetime import date
from privacydesk.config import load_settings
from privacydesk.retention.run import run_retention
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
settings = load_settings()
keyring = Keyring.from_settings(settings)
today = date.fromisoformat(sys.argv[2])
run_retention(Database(sys.argv[1]), keyring=keyring, today=today, actor="cli:test", batch=2)
"""


def _build(path: Path, keyring: Keyring) -> None:
    db = Database(f"sqlite:///{path}")
    migrate(db)
    rng = random.Random(7)
    with db.session_scope() as session:
        store_register_version(session, loaded=load_register(OCQTO_REGISTER), actor="test")
        _, register = current_register(session)
        for n in range(SUBJECTS):
            person = subjects.create_subject(
                session,
                keyring=keyring,
                register=register,
                subject_type="customer",
                identifiers=[("email", f"p{n}@example.nl")],
                actor="test",
                audit_each=False,
            )
            years = rng.sample(range(2012, 2026), rng.randint(1, 4))
            records = [invoice(n * 10 + i, date(year, 3, 1)) for i, year in enumerate(years)]
            if rng.random() < 0.3:
                records.append(note("x", date(rng.choice([2019, 2026]), 1, 1)))
            for kind, category, purpose, payload, on in records:
                subjects.add_record(
                    session,
                    keyring=keyring,
                    register=register,
                    subject=person,
                    kind=kind,
                    category=category,
                    purpose=purpose,
                    source="data_subject",
                    payload=payload,
                    event_on=on,
                    actor="t",
                    audit_each=False,
                )
            if n % 17 == 0:
                holds.place_hold(session, subject_ref=person.ref, reason="claim", today=TODAY, actor="t")
    db.dispose()


def _snapshot(db: Database) -> dict[int, dict[int, bool]]:
    """subject id -> {record id: due and unheld on TODAY}."""
    with db.session_scope(readonly=True) as session:
        held = {h.target for h in holds.list_holds(session, today=TODAY)}
        refs = dict(session.execute(select(Subject.id, Subject.ref)).all())
        out: dict[int, dict[int, bool]] = {sid: {} for sid in refs}
        for rid, sid, expires in session.execute(select(Record.id, Record.subject_id, Record.expires_on)):
            out[sid][rid] = expires is not None and expires <= TODAY and f"subject:{refs[sid]}" not in held
        return out


def _check(db: Database, before: dict[int, dict[int, bool]], *, finished: bool) -> None:
    now = _snapshot(db)
    for sid, records in before.items():
        due = {r for r, d in records.items() if d}
        kept = set(records) - due
        left = set(now.get(sid, {}))
        assert kept <= left, f"subject {sid}: a record not due (or held) was touched"
        assert due <= left or not (due & left), f"subject {sid} is half-erased"
        if finished:
            assert not (due & left), f"subject {sid}: an expired record survived the rerun"
        if sid not in now:
            assert not kept, f"subject {sid} was removed while it had data to keep"
    with db.session_scope(readonly=True) as session:
        report = audit.verify_chain(session, workers=1)
        assert report.ok, report


def _wait_until_running(db: Database, proc: subprocess.Popen[bytes]) -> None:
    while proc.poll() is None and not _in_progress(db):
        time.sleep(0.02)


def _in_progress(db: Database) -> bool:
    """A run was open and had done some batches but not all when it died."""
    with db.session_scope(readonly=True) as session:
        run = session.execute(select(RetentionRun).where(RetentionRun.status == "running")).scalar()
        return run is not None and run.last_subject_id > 0


def test_sigkill_at_random_moments_never_half_erases_and_a_rerun_finishes(tmp_path: Path) -> None:
    master = os.urandom(32)
    keyring = Keyring.from_master(master)
    pristine = tmp_path / "pristine.db"
    _build(pristine, keyring)
    live = tmp_path / "live.db"
    shutil.copyfile(pristine, live)
    db = Database(f"sqlite:///{live}")
    before = _snapshot(db)
    env = {
        **os.environ,
        "PRIVACYDESK_MASTER_KEY": base64.b64encode(master).decode(),
        "PRIVACYDESK_DATA_DIR": str(tmp_path / "data"),
        "PRIVACYDESK_CONFIG": str(tmp_path / "none.toml"),
    }
    args = [sys.executable, "-c", RUNNER, db.url, TODAY.isoformat()]
    rng, kills, rounds, mid_run = random.Random(20261125), 0, 0, 0
    while kills < KILLS:
        rounds += 1
        assert rounds < KILLS * 4, "the run kept finishing before it could be killed"
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if rng.random() < 0.8:  # most kills land once the run is under way, the others at any moment
            _wait_until_running(db, proc)
        time.sleep(rng.uniform(0.0, 0.4))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
        _check(db, before, finished=False)
        mid_run += int(proc.returncode == -signal.SIGKILL and _in_progress(db))
        if proc.returncode == 0:  # it got to the end: start again from the untouched data
            db.dispose()
            shutil.copyfile(pristine, live)
            for suffix in ("-wal", "-shm"):
                Path(f"{live}{suffix}").unlink(missing_ok=True)
    assert mid_run >= KILLS // 2, f"only {mid_run} kills landed between the first and the last batch"
    done = subprocess.run(args, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    _check(db, before, finished=True)
    db.dispose()
