"""`privacydesk retention plan|run`: what leaves when, and making it leave."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from privacydesk import audit, backup
from privacydesk.cli._common import (
    DbOpt,
    JsonOpt,
    cli_actor,
    console,
    database,
    print_json,
    session_scope,
    settings,
)
from privacydesk.errors import UnusableInput
from privacydesk.register.load import load_register
from privacydesk.register.service import current_register
from privacydesk.retention.plan import RetentionPlan, draw_chart, plan_retention
from privacydesk.retention.run import RunSummary, run_retention
from privacydesk.store.crypto import Keyring

retention_app = typer.Typer(help="Retention: plan what leaves, and run it.", no_args_is_help=True)

TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Act as if today were this date (YYYY-MM-DD), for testing.")
]


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UnusableInput(
            f"{option} '{value}' is not a date", hint="use YYYY-MM-DD, e.g. 2027-01-31"
        ) from None


def _table(plan: RetentionPlan) -> Table:
    table = Table(title=f"Retention plan: what leaves by {plan.until} (today {plan.today})")
    for column in ("rule", "at expiry", "records", "due now", "held", "earliest", "latest", "sample records"):
        table.add_column(column, justify="right" if column in ("records", "due now", "held") else "left")
    for r in plan.rules:
        table.add_row(
            r.rule,
            r.at_expiry,
            f"{r.records:,}",
            f"{r.overdue:,}",
            f"{r.held:,}",
            str(r.earliest or "-"),
            str(r.latest or "-"),
            ", ".join(str(s["record"]) for s in r.sample) or "-",
        )
    return table


def _print_changes(plan: RetentionPlan) -> None:
    if plan.changes is None:
        return
    if not plan.changes:
        console.print("The candidate register changes no retention rule.")
    for c in plan.changes:
        console.print(
            f"purpose {c.purpose}: rule {c.old_rule or '(none)'} -> {c.new_rule}: {c.records:,} records; "
            f"[bold]{c.newly_overdue:,} would be overdue at once[/bold]; {c.earlier:,} leave earlier, "
            f"{c.later:,} later"
        )


@retention_app.command("plan")
def plan(
    until: Annotated[str | None, typer.Option("--until", help="Count what leaves up to this date.")] = None,
    today: TodayOpt = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Write the 24-month forecast (.png/.svg).")
    ] = None,
    candidate: Annotated[
        Path | None,
        typer.Option("--register", help="A changed register file: show its effect before loading it."),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A dry run: per rule, how many records leave, when, and a sample. Nothing is changed."""
    day = parse_day(today, "--today") or date.today()
    new_register = load_register(candidate).register if candidate else None
    with session_scope(db) as session:
        _, register = current_register(session)
        result = plan_retention(
            session, register=register, today=day, until=parse_day(until, "--until"), candidate=new_register
        )
        audit.record(
            session,
            action=audit.Action.RETENTION_PLANNED,
            actor=cli_actor(),
            details={"today": day.isoformat(), "until": result.until.isoformat(), "records": result.total},
        )
    if chart:
        draw_chart(result, chart, title=f"{register.controller.display_name}: records leaving per month")
    if as_json:
        print_json(result)
    else:
        _print_plan(result, chart)


def _print_plan(result: RetentionPlan, chart: Path | None) -> None:
    console.print(_table(result))
    console.print(
        f"{result.total:,} records leave by {result.until}; {result.without_clock:,} have no clock yet."
    )
    _print_changes(result)
    if chart:
        console.print(f"chart written: {chart}")


def _print_summary(summary: RunSummary) -> None:
    console.print(
        f"retention run {summary.run_id} for {summary.today}{' (resumed)' if summary.resumed else ''}: "
        f"{summary.records_deleted:,} records deleted, {summary.records_anonymised:,} anonymised, "
        f"{summary.subjects_deleted:,} subjects removed with their keys destroyed; "
        f"{summary.records_held:,} due records kept under a legal hold"
    )


@retention_app.command("run")
def run(
    today: TodayOpt = None,
    batch: Annotated[int, typer.Option("--batch", min=1, max=10_000, help="Subjects per transaction.")] = 500,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase or anonymise everything that has expired; resumes an unfinished run first."""
    cfg = settings(db)
    day = parse_day(today, "--today") or date.today()
    database_ = database(db)
    columns = (
        TextColumn("erasing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("subjects"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=as_json, transient=True) as bar:
        task = bar.add_task("erasing", total=None)
        summary = run_retention(
            database_,
            keyring=Keyring.from_settings(cfg),
            today=day,
            actor=cli_actor(),
            batch=batch,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    with database_.session_scope() as session:
        backup.sync_erasure_log(session, path=backup.erasure_log_path(cfg))
    if as_json:
        print_json(summary)
    else:
        _print_summary(summary)


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
