from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from privacydesk.breaches.service import record_breach
from privacydesk.register.service import current_register
from privacydesk.reports.render import yearly_html
from privacydesk.reports.yearly import yearly_report
from privacydesk.store.base import utcnow
from tests.check.conftest import TODAY, Demo


def test_the_report_counts_this_years_consents_erasures_breaches_and_statement(demo: Demo) -> None:
    with demo.db.session_scope() as session:
        _, register = current_register(session)
        aware = utcnow() - timedelta(hours=5)
        record_breach(
            session, register=register, detected_at=aware, aware_at=aware, nature=["availability"],
            description="Server down", categories=["name"], subject_refs=[], people=3, actor="test",
        )  # fmt: skip
        report = yearly_report(session, year=TODAY.year, today=TODAY)
        html = yearly_html(report, register)
    assert sum(report.consents["given"]) > 0  # the demo's banner decisions and subscribers
    assert report.consents_by_purpose["newsletter"]["withdrawn"] == 1  # the demo's one unsubscribe
    assert (
        report.retention_runs == 1
        and report.erased_total["records deleted"] + report.erased_total["records anonymised"] > 0
    )
    assert [b["people"] for b in report.breaches] == [3]
    assert [s["version"] for s in report.statements] == [1]
    assert html.count('src="data:image/png;base64,') == 4
    assert "@" not in html.split("<body>")[1]  # no e-mail address, no person


def test_a_year_without_data_says_so(demo: Demo) -> None:
    with demo.db.session_scope() as session:
        _, register = current_register(session)
        report = yearly_report(session, year=2001, today=TODAY)
        html = yearly_html(report, register)
    assert report.requests.received == 0 and report.breaches == [] and report.statements == []
    assert "No breach was recorded in 2001" in html and "did not change in 2001" in html


def test_the_cli_writes_html_and_a_pdf_that_reads_as_the_report(demo: Demo, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    result = cli(
        "report", "yearly", "--db", demo.settings.database_url, "--pdf", str(pdf), "--html", str(html)
    )
    assert result.code == 0, result.err
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Privacy report {TODAY.year}" in text and "What retention erased" in text
    assert "Consent" in html.read_text()


def test_the_cli_refuses_without_an_output_or_with_a_bad_year(demo: Demo, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("report", "yearly", "--db", demo.settings.database_url).code == 2
    result = cli("report", "yearly", "--db", demo.settings.database_url, "--year", "1999", "--html", "x.html")
    assert result.code == 2 and "--year" in result.err
