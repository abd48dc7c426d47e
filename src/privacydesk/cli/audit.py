"""`privacydesk audit …`: verify the hash chain, print its head, list entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from privacydesk import audit as audit_log
from privacydesk.cli._common import (
    DbOpt,
    JsonOpt,
    cli_actor,
    console,
    err_console,
    print_json,
    session_scope,
)
from privacydesk.errors import UnusableInput

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

AnchorOpt = Annotated[
    str | None,
    typer.Option("--anchor", help="A head hash kept outside the system: it must still be in the chain."),
]


def _print_report(report: audit_log.ChainReport, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "head_hash": report.head_hash,
                "first_bad_entry": report.first_bad,
                "problem": report.problem,
            }
        )
    elif report.ok:
        console.print(f"[green]audit chain intact[/green]: {report.entries} entries, head {report.head_hash}")
    else:
        err_console.print(f"[red]audit chain broken[/red] at entry {report.first_bad}: {report.problem}")


@audit_app.command("verify")
def verify(db: DbOpt = None, anchor: AnchorOpt = None, as_json: JsonOpt = False) -> None:
    """Check the whole chain; name the first entry that was altered, removed or reordered."""
    with session_scope(db, readonly=True) as session:
        report = audit_log.verify_chain(session, anchor=anchor)
    if report.ok:
        with session_scope(db) as session:
            audit_log.record(
                session,
                action=audit_log.Action.AUDIT_VERIFIED,
                actor=cli_actor(),
                details={"entries": report.entries, "head": report.head_hash},
            )
    _print_report(report, as_json)
    raise typer.Exit(0 if report.ok else 1)


@audit_app.command("anchor")
def anchor(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Print the head hash to keep outside the system (mail it, print it, note it)."""
    with session_scope(db, readonly=True) as session:
        seq, head = audit_log.head(session)
    if as_json:
        print_json({"entries": seq, "head_hash": head})
    else:
        console.print(f"{seq} {head}")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UnusableInput(f"--since '{value}' is not a date", hint="use YYYY-MM-DD") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@audit_app.command("list")
def list_entries(
    action: Annotated[str | None, typer.Option("--action", help="e.g. retention.run")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="e.g. user:3 or cli:olga")] = None,
    target: Annotated[str | None, typer.Option("--target", help="type:id, e.g. subject:3f2a…")] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List entries, newest first, filtered by action, actor, target or date."""
    with session_scope(db, readonly=True) as session:
        entries = audit_log.search_audit(
            session,
            action=action,
            actor=actor,
            target=target,
            since=_since(since),
            limit=limit,
            offset=offset,
        )
        rows = [{c: getattr(e, c) for c in audit_log.PUBLIC_FIELDS} for e in entries]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        where = f"{r['target_type']}:{r['target_id']}" if r["target_id"] else "-"
        console.print(f"{r['seq']:>8} {r['at']:%Y-%m-%d %H:%M:%S} {r['actor']:<20} {r['action']:<24} {where}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
