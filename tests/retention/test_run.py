"""`retention run`: erases exactly what has expired, anonymises where the register says, removes
subjects with nothing left (key destroyed), leaves everything else alone, and resumes after a crash."""

from __future__ import annotations

import json
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from privacydesk import audit, backup
from privacydesk.register.service import current_register
from privacydesk.retention import holds
from privacydesk.retention.batch import RunInfo, next_bounds, read_batch, write_batch
from privacydesk.retention.plan import plan_retention
from privacydesk.retention.rules import rules_by_purpose
from privacydesk.retention.run import _batch, _Prefetch, _read_alone, _writer_state, open_run, run_retention
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.store.models.retention import AnonymisedRecord, RetentionRun
from privacydesk.store.models.subjects import Identifier, SubjectKey
from tests.retention.conftest import TODAY, Person, add_person, exists, invoice, note, records_of


def _world(db: Database, keyring: Keyring) -> dict[str, Person]:
    return {
        # everything expired: the subject goes entirely
        "gone": add_person(
            db,
            keyring,
            email="gone@example.nl",
            records=[invoice(1, date(2015, 3, 1), 120), note("x", date(2020, 1, 1))],
            last_contact_on=date(2020, 1, 1),
        ),
        # one old invoice expired, one recent: only the old one goes
        "part": add_person(
            db,
            keyring,
            email="part@example.nl",
            records=[invoice(2, date(2016, 6, 1)), invoice(3, date(2025, 1, 1))],
        ),
        # nothing expired
        "fresh": add_person(db, keyring, email="fresh@example.nl", records=[invoice(4, date(2024, 4, 4))]),
    }


def test_the_run_erases_exactly_what_the_plan_said(loaded_db: Database, keyring: Keyring) -> None:
    people = _world(loaded_db, keyring)
    with loaded_db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        plan = plan_retention(session, register=register, today=TODAY)
    summary = run_retention(loaded_db, keyring=keyring, today=TODAY, actor="cli:test")
    assert summary.records_deleted + summary.records_anonymised == plan.total == 3
    assert summary.records_anonymised == 2 and summary.subjects_deleted == 1
    assert not exists(loaded_db, people["gone"])
    assert [r[2] for r in records_of(loaded_db, people["part"])] == [date(2032, 12, 31)]
    assert len(records_of(loaded_db, people["fresh"])) == 1
    with loaded_db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        assert plan_retention(session, register=register, today=TODAY).total == 0


def test_anonymised_invoices_keep_only_the_registers_fields(loaded_db: Database, keyring: Keyring) -> None:
    _world(loaded_db, keyring)
    run_retention(loaded_db, keyring=keyring, today=TODAY, actor="cli:test")
    with loaded_db.session_scope(readonly=True) as session:
        kept = sorted(
            (a.kept for a in session.execute(select(AnonymisedRecord)).scalars()), key=lambda k: k["date"]
        )
    assert kept == [{"amount": 120, "date": "2015-03-01"}, {"amount": 100, "date": "2016-06-01"}]


def test_a_removed_subject_leaves_no_key_no_identifiers_and_an_audit_entry(
    loaded_db: Database, keyring: Keyring
) -> None:
    people = _world(loaded_db, keyring)
    run_retention(loaded_db, keyring=keyring, today=TODAY, actor="cli:test")
    gone = people["gone"]
    with loaded_db.session_scope(readonly=True) as session:
        assert session.get(SubjectKey, gone.id) is None
        assert session.execute(select(Identifier).where(Identifier.subject_id == gone.id)).first() is None
        entries = audit.search_audit(session, target=f"subject:{gone.ref}", action="retention.erased")
        assert len(entries) == 1 and entries[0].details["removed"] == [gone.ref]
        assert len(entries[0].details["records"][gone.ref]) == 2
        run_entry = audit.search_audit(session, action="retention.run")[0]
        assert run_entry.details["records_deleted"] == 1 and run_entry.details["records_anonymised"] == 2
        assert audit.verify_chain(session).ok


def test_one_entry_per_batch_names_each_subject_and_feeds_the_erasure_log(
    loaded_db: Database, keyring: Keyring, tmp_path: Path
) -> None:
    people = _world(loaded_db, keyring)
    run_retention(loaded_db, keyring=keyring, today=TODAY, actor="cli:test")
    gone, part, fresh = people["gone"], people["part"], people["fresh"]
    with loaded_db.session_scope(readonly=True) as session:
        (entry,) = audit.search_audit(session, action="retention.erased")
        assert entry.target_type == "retention_run" and entry.actor == "cli:test"
        # subjects by pseudonymous ref only: no e-mail address, no decrypted value
        assert set(entry.details["records"]) == {gone.ref, part.ref}
        assert entry.details["anonymised"] == {gone.ref: 1, part.ref: 1}
        assert "@" not in json.dumps(entry.details)
        # a subject who stays finds the entry in their own history; one who was not touched does not
        assert entry.seq in [e.seq for e in audit.search_audit(session, target=f"subject:{part.ref}")]
        assert entry.seq not in [e.seq for e in audit.search_audit(session, target=f"subject:{fresh.ref}")]
        log = tmp_path / "erasure-log.jsonl"
        assert backup.sync_erasure_log(session, path=log) == 1
    (line,) = [json.loads(x) for x in log.read_text().splitlines()]
    assert line["subject"] == gone.ref and line["action"] == "subject.deleted"


def test_a_run_killed_between_batches_resumes_where_it_stopped(loaded_db: Database, keyring: Keyring) -> None:
    people = _world(loaded_db, keyring)
    with loaded_db.session_scope() as session:  # the first batch commits, then the process "dies"
        run, _ = open_run(session, today=TODAY, actor="cli:test")
        rules = rules_by_purpose(current_register(session)[1])
        bounds = next_bounds(session, run.id, run.last_subject_id, 1)
        assert bounds is not None
        write_batch(
            session, read_batch(session, RunInfo(run.id, run.today, run.actor), bounds, keyring, rules)
        )
        run.last_subject_id = bounds[1]
    summary = run_retention(loaded_db, keyring=keyring, today=TODAY, actor="cli:test")
    assert summary.resumed and summary.today == TODAY
    assert not exists(loaded_db, people["gone"])
    assert len(records_of(loaded_db, people["part"])) == 1
    assert len(records_of(loaded_db, people["fresh"])) == 1


def test_the_cli_runs_with_a_moved_clock_and_prints_a_summary(
    loaded_db: Database, keyring: Keyring, cli, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRIVACYDESK_MASTER_KEY", settings.key_file.read_text().strip())
    monkeypatch.setenv("PRIVACYDESK_DATA_DIR", str(settings.data_dir))
    people = _world(loaded_db, keyring)
    result = cli("retention", "run", "--db", loaded_db.url, "--today", TODAY.isoformat(), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["records_deleted"], data["records_anonymised"], data["subjects_deleted"]) == (1, 2, 1)
    log = (settings.data_dir / "erasure-log.jsonl").read_text()
    assert people["gone"].ref in log  # the erasure survives a later restore
    plain = cli("retention", "run", "--db", loaded_db.url, "--today", TODAY.isoformat())
    assert plain.code == 0 and "0 records deleted" in plain.out


def test_an_interrupted_run_finishes_on_its_own_day_before_todays_run(
    loaded_db: Database, keyring: Keyring
) -> None:
    people = _world(loaded_db, keyring)
    with loaded_db.session_scope() as session:
        open_run(session, today=date(2020, 1, 1), actor="cli:test")  # opened, then the process died
    summary = run_retention(loaded_db, keyring=keyring, today=TODAY, actor="cli:test")
    assert not summary.resumed and summary.today == TODAY and summary.subjects_deleted == 1
    assert not exists(loaded_db, people["gone"])
    with loaded_db.session_scope(readonly=True) as session:
        days = [r.today for r in session.execute(select(RetentionRun).order_by(RetentionRun.id)).scalars()]
        assert days == [date(2020, 1, 1), TODAY]


Read = dict[str, Any]


def _read_ahead(
    db: Database, bulk: Database, keyring: Keyring, helper: Executor
) -> tuple[RunInfo, _Prefetch, Read]:
    """Open a run and read its first batch on the helper thread, as the run reads the next one."""
    with db.session_scope() as session:
        run, _ = open_run(session, today=TODAY, actor="cli:test")
        info = RunInfo(run.id, run.today, run.actor)
        read = {"keyring": keyring, "rules": rules_by_purpose(current_register(session)[1])}
    with bulk.session_scope() as session:
        bounds = next_bounds(session, info.id, 0, 100)
        assert bounds is not None
        job = helper.submit(_read_alone, db, info, bounds, **read)
        prefetch = _Prefetch(bounds, job, _writer_state(session))
        job.result()
    return info, prefetch, read


def test_a_batch_read_ahead_is_used_when_nothing_else_committed(
    loaded_db: Database, keyring: Keyring
) -> None:
    if not loaded_db.is_sqlite:
        pytest.skip("PostgreSQL reads every batch inside its own transaction; nothing is read ahead")
    _world(loaded_db, keyring)
    with ThreadPoolExecutor(1) as helper, loaded_db.bulk_writer() as bulk:
        info, prefetch, read = _read_ahead(loaded_db, bulk, keyring, helper)
        with bulk.session_scope() as session:
            assert _batch(session, info, prefetch.bounds, prefetch, **read) is prefetch.future.result()


def test_a_batch_read_ahead_is_read_again_after_another_connection_placed_a_hold(
    loaded_db: Database, keyring: Keyring
) -> None:
    if not loaded_db.is_sqlite:
        pytest.skip("PostgreSQL reads every batch inside its own transaction; nothing is read ahead")
    people = _world(loaded_db, keyring)
    gone = people["gone"]
    with ThreadPoolExecutor(1) as helper, loaded_db.bulk_writer() as bulk:
        info, prefetch, read = _read_ahead(loaded_db, bulk, keyring, helper)
        ahead = prefetch.future.result()
        with loaded_db.session_scope() as session:  # the web admin, between two batches
            holds.place_hold(session, subject_ref=gone.ref, reason="claim", today=TODAY, actor="user:1")
        with bulk.session_scope() as session:
            batch = _batch(session, info, prefetch.bounds, prefetch, **read)
    held = {r[0] for r in records_of(loaded_db, gone)}
    assert held and held <= set(ahead.records)  # the early read would have erased the now held subject …
    assert held.isdisjoint(batch.records)  # … the batch read again leaves it alone
