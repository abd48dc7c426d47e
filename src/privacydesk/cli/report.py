"""`privacydesk report yearly`: the owner's privacy report for a year, as HTML or PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from privacydesk import audit
from privacydesk.cli._common import DbOpt, cli_actor, console, session_scope
from privacydesk.cli.check import write_atomically
from privacydesk.errors import UnusableInput
from privacydesk.register.service import current_register
from privacydesk.reports.render import yearly_html, yearly_pdf
from privacydesk.reports.yearly import yearly_report

report_app = typer.Typer(help="Reports for the owner: the yearly privacy report.", no_args_is_help=True)


def _year(value: int | None, today: date) -> int:
    year = value if value is not None else today.year
    if not 2000 <= year <= today.year:
        raise UnusableInput(
            f"--year {year} is not a year with data", hint=f"give a year from 2000 to {today.year}"
        )
    return year


@report_app.command("yearly")
def yearly(
    year: Annotated[int | None, typer.Option("--year", help="The year (default: this year).")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report as HTML here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF here.")] = None,
    db: DbOpt = None,
) -> None:
    """Requests and their times, consents over time, what retention erased, breaches and statement changes."""
    if html is None and pdf is None:
        raise UnusableInput("say where to write the report", hint="add --html FILE or --pdf FILE (or both)")
    today = date.today()
    chosen = _year(year, today)
    with session_scope(db) as session:
        _, reg = current_register(session)
        report = yearly_report(session, year=chosen, today=today)
        audit.record(session, action=audit.Action.REPORT_CREATED, actor=cli_actor(), target_type="report",
                     target_id=f"yearly:{chosen}")  # fmt: skip
    if html is not None:
        write_atomically(html, yearly_html(report, reg).encode())
        console.print(f"wrote {html}")
    if pdf is not None:
        write_atomically(pdf, yearly_pdf(report, reg))
        console.print(f"wrote {pdf}")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
