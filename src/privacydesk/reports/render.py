"""The yearly report as HTML (Jinja2) and PDF (WeasyPrint)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from privacydesk.register.model import Duration, Register
from privacydesk.reports import charts
from privacydesk.reports.yearly import YearlyReport

# GDPR art. 12(3): one month from receipt, drawn as its usual length.
LEGAL_DAYS = 30

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape()
)


def _charts(report: YearlyReport, register: Register) -> dict[str, str]:
    promised = Duration.parse(register.rights.answer_term).approx_days
    return {
        "requests": charts.monthly_bars({"received": report.requests_per_month}, title="Requests received",
                                        ylabel="requests", empty="no requests this year"),
        "answer_times": charts.answer_times(
            report.requests.days_to_answer, promised_days=promised, legal_days=LEGAL_DAYS
        ),
        "consents": charts.monthly_bars(report.consents, title="Consent decisions per month",
                                        ylabel="events", empty="no consent decisions this year"),
        "retention": charts.monthly_bars(report.erased_per_month, title="Erased by retention",
                                         ylabel="records / people", empty="nothing was erased this year"),
    }  # fmt: skip


def yearly_html(report: YearlyReport, register: Register) -> str:
    return _templates.get_template("yearly.html").render(
        report=report,
        controller=register.controller,
        charts=_charts(report, register),
        months=charts.MONTH_LABELS,
        promised=register.rights.answer_term,
    )


def yearly_pdf(report: YearlyReport, register: Register) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=yearly_html(report, register)).write_pdf()
    return pdf
