"""The check as a document: HTML (Jinja2) and PDF (WeasyPrint), one section per article."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from privacydesk.check.model import CheckReport
from privacydesk.register.model import Register

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape()
)


def report_html(report: CheckReport, register: Register) -> str:
    articles = [(article, list(results)) for article, results in groupby(report.results, lambda r: r.article)]
    return _templates.get_template("check.html").render(
        report=report, articles=articles, controller=register.controller
    )


def report_pdf(report: CheckReport, register: Register) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(report, register)).write_pdf()
    return pdf
