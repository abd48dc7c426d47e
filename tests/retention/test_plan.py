"""`retention plan`: per rule how many records leave, when, a sample; JSON; a chart; nothing changes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from privacydesk.register.service import current_register
from privacydesk.retention.plan import draw_chart, plan_retention
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from tests.retention.conftest import TODAY, add_person, invoice, note


def _people(db: Database, keyring: Keyring) -> None:
    add_person(
        db,
        keyring,
        email="old@example.nl",
        records=[invoice(1, date(2015, 3, 1)), invoice(2, date(2020, 5, 1))],
    )
    add_person(
        db,
        keyring,
        email="talk@example.nl",
        records=[note("called", date(2024, 1, 10))],
        last_contact_on=date(2024, 1, 10),
    )
    add_person(db, keyring, email="new@example.nl", records=[invoice(3, date(2026, 2, 1))])


def test_the_plan_counts_per_rule_with_dates_and_a_sample(loaded_db: Database, keyring: Keyring) -> None:
    _people(loaded_db, keyring)
    with loaded_db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        plan = plan_retention(session, register=register, today=TODAY, until=date(2027, 12, 31))
    by_rule = {r.rule: r for r in plan.rules}
    fiscal, correspondence = by_rule["fiscal"], by_rule["correspondence"]
    assert (fiscal.records, fiscal.overdue) == (
        2,
        1,
    )  # 2015 invoice overdue; 2019 one leaves 31 Dec 2026… no:
    assert fiscal.earliest == date(2022, 12, 31) and fiscal.latest == date(2027, 12, 31)
    assert fiscal.at_expiry == "anonymise"
    assert correspondence.records == 1 and correspondence.earliest == date(2026, 1, 10)
    assert [s["kind"] for s in fiscal.sample] == ["invoice", "invoice"]
    assert plan.total == 3


def test_the_plan_holds_no_personal_data_and_changes_nothing(
    loaded_db: Database, keyring: Keyring, cli
) -> None:  # type: ignore[no-untyped-def]
    _people(loaded_db, keyring)
    result = cli("retention", "plan", "--db", loaded_db.url, "--today", TODAY.isoformat(), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {r["rule"] for r in data["rules"] if r["records"]} == {"fiscal", "correspondence"}
    assert "example.nl" not in result.out and "called" not in result.out
    assert len(data["forecast"]) == 24


def test_the_forecast_chart_is_written_as_png_and_svg(
    loaded_db: Database, keyring: Keyring, tmp_path: Path
) -> None:
    _people(loaded_db, keyring)
    with loaded_db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        plan = plan_retention(session, register=register, today=date(2026, 1, 1))
    for name in ("forecast.png", "forecast.svg"):
        draw_chart(plan, tmp_path / name, title="test")
        assert (tmp_path / name).stat().st_size > 5_000
    assert (tmp_path / "forecast.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_dates_are_refused_with_a_hint(loaded_db: Database, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("retention", "plan", "--db", loaded_db.url, "--until", "soon")
    assert result.code == 2 and "--until 'soon' is not a date" in result.err and "YYYY-MM-DD" in result.err
    earlier = cli(
        "retention", "plan", "--db", loaded_db.url, "--today", "2027-01-01", "--until", "2026-01-01"
    )
    assert earlier.code == 2 and "lies before today" in earlier.err
