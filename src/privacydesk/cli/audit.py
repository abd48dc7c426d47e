"""`privacydesk audit …`: verify the hash chain and print its head."""

from __future__ import annotations

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

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Check the whole chain; name the first entry that was altered, removed or reordered."""
    with session_scope(db, readonly=True) as session:
        report = audit_log.verify_chain(session)
    if report.ok:
        with session_scope(db) as session:
            audit_log.record(
                session,
                action=audit_log.Action.AUDIT_VERIFIED,
                actor=cli_actor(),
                details={"entries": report.entries, "head": report.head_hash},
            )
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


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
