from __future__ import annotations

import json
from pathlib import Path

from tests.check import plant
from tests.check.conftest import Demo


def test_check_exits_0_on_clean_data_and_lists_every_check_as_json(demo: Demo, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--db", demo.settings.database_url, "--json", "--html", str(tmp_path / "c.html"))
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["ok"] is True and data["failed"] == 0
    assert len(data["results"]) == data["checks"] >= 15
    assert all(r["passed"] for r in data["results"])
    assert "Every promise holds" in (tmp_path / "c.html").read_text()


def test_check_exits_1_with_the_failed_check_named(demo: Demo, cli) -> None:  # type: ignore[no-untyped-def]
    with demo.db.session_scope() as session:
        plant.record_past_retention(session)
    result = cli("check", "--db", demo.settings.database_url, "--json")
    assert result.code == 1
    data = json.loads(result.out)
    assert [r["key"] for r in data["results"] if not r["passed"]] == ["retention_run"]


def test_a_bad_date_is_refused_with_the_format_to_use(demo: Demo, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--db", demo.settings.database_url, "--today", "25-11-2026")
    assert result.code == 2
    assert "YYYY-MM-DD" in result.err
