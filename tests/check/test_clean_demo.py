from __future__ import annotations

from tests.check.conftest import Demo, failed


def test_clean_demo_data_keeps_every_promise(demo: Demo) -> None:
    report = demo.check()
    assert failed(report) == {}
    assert report.ok
    assert {r.key for r in report.results} >= {
        "data_named",
        "retention_run",
        "processor_agreements",
        "backups",
    }


def test_undated_agreements_are_a_note_not_a_failure(demo: Demo) -> None:
    result = next(r for r in demo.check().results if r.key == "processor_agreements")
    assert result.outcome == "pass"
    assert result.note is not None and "R16" in result.note and "manychat" in result.note
