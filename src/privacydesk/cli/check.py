"""`privacydesk check`: is the statement true? Every promise checked against the data."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from privacydesk import audit
from privacydesk.check import CheckReport, Outcome, run_checks
from privacydesk.check.render import report_html, report_pdf
from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.errors import UnusableInput
from privacydesk.register.service import current_register

_MARK = {
    Outcome.PASS: "[green]pass[/green]",
    Outcome.FAIL: "[red]FAIL[/red]",
    Outcome.NOT_CHECKED: "[dim]n/a[/dim]",
}


def parse_day(value: str | None, option: str = "--today") -> date:
    """A YYYY-MM-DD option, or today when absent."""
    if value is None:
        return date.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise UnusableInput(f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all."""
    if not path.parent.is_dir():
        raise UnusableInput(f"{path}: the folder does not exist", hint="create it, or choose another path")
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _print(report: CheckReport) -> None:
    for r in report.results:
        console.print(f"{_MARK[r.outcome]}  art. {r.article:<5} {r.title}", soft_wrap=True)
        for v in r.violations:
            console.print(f"{'':>6}- {v.summary}", soft_wrap=True)
            console.print(f"{'':>8}evidence: {v.evidence}", style="dim", soft_wrap=True)
            console.print(f"{'':>8}fix: {v.fix}", style="dim", soft_wrap=True)
        if r.note:
            console.print(f"{'':>6}note: {r.note}", style="dim", soft_wrap=True)
    verdict = "every promise holds" if report.ok else f"{len(report.failed)} promise(s) not kept"
    console.print(f"[bold]{verdict}[/bold] ({len(report.results)} checks)")


def check(
    html: Annotated[Path | None, typer.Option("--html", help="Also write the report as HTML here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write the report as PDF here.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="Check as of this day (YYYY-MM-DD).")] = None,
    backup_days: Annotated[
        int, typer.Option("--backup-days", min=1, help="A backup must be younger than this many days.")
    ] = 7,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Is the statement true? Check every promise against the data; exit 0 only when all hold."""
    day = parse_day(today)
    with session_scope(db) as session:
        _, reg = current_register(session)
        report = run_checks(
            session, register=reg, today=day, settings=settings(db), backup_max_age_days=backup_days
        )
        audit.record(session, action=audit.Action.CHECK_RUN, actor=cli_actor(),
                     details={"today": day.isoformat(), "checks": len(report.results),
                              "failed": [r.key for r in report.failed]})  # fmt: skip
    if html is not None:
        write_atomically(html, report_html(report, reg).encode())
    if pdf is not None:
        write_atomically(pdf, report_pdf(report, reg))
    if as_json:
        print_json(report.as_dict())
    else:
        _print(report)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
