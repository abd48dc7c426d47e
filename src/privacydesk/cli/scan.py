"""`privacydesk scan PATH…` finds personal data in files; `privacydesk findings …` resolves the flags.

Findings the register does not allow — above all a BSN (UAVG art. 46) — are flagged, shown, and
stored as findings to resolve. Exit 1 when something was flagged, 2 when a file could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from privacydesk.cli._common import (
    DbOpt,
    JsonOpt,
    cli_actor,
    console,
    database,
    err_console,
    print_json,
    session_scope,
    settings,
)
from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.scan.findings import Status, list_findings, resolve_finding
from privacydesk.scan.known import KnownSubjects
from privacydesk.scan.service import ScanReport, known_subjects, scan_paths, store_findings
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.findings import Finding

findings_app = typer.Typer(
    help="Findings of the scanner: data the register does not allow.", no_args_is_help=True
)
_REASONS = {"forbidden": "forbidden (UAVG art. 46)", "not_in_register": "not in the register"}


def _with_store(db: str | None, known: bool, no_store: bool) -> bool:
    if no_store and known:
        raise UnusableInput("--known needs the store", hint="drop --no-store")
    if no_store:
        return False
    try:
        database(db)
    except UnusableInput:
        if known:
            raise
        err_console.print(
            "no database: scanning without the register; findings are not stored (a BSN is flagged)"
        )
        return False
    return True


def _print_table(report: ScanReport) -> None:
    table = Table(title=f"{len(report.found)} found in {report.files} file(s), {len(report.flagged)} flagged")
    for column in ("file", "where", "kind", "value", "flag / subject"):
        table.add_column(column)
    for f in report.found:
        note = _REASONS.get(f.flag or "", "") or ", ".join(f.subjects)
        table.add_row(f.source, f.location, str(f.kind), f.masked, note, style="red" if f.flag else None)
    console.print(table)


def _scan_with_store(
    db: str | None, paths: list[Path], known: bool, workers: int | None
) -> tuple[ScanReport, int]:
    keyring = Keyring.from_settings(settings(db))
    register: Register | None = None
    matcher: KnownSubjects | None = None
    with session_scope(db, readonly=True) as session:
        _, register = current_register(session)
        if known:
            matcher = known_subjects(session, keyring=keyring)
    report = scan_paths(paths, register=register, known=matcher, workers=workers)
    with session_scope(db) as session:
        new = store_findings(session, keyring=keyring, report=report, actor=cli_actor())
    return report, new


def register(app: typer.Typer) -> None:
    @app.command("scan")
    def scan(
        paths: Annotated[list[Path], typer.Argument(help="Files or directories.", show_default=False)],
        known: Annotated[
            bool, typer.Option("--known", help="Also name the store's subjects mentioned.")
        ] = False,
        no_store: Annotated[bool, typer.Option("--no-store", help="Do not use or write the store.")] = False,
        workers: Annotated[
            int | None, typer.Option("--workers", help="Processes (default: every core).")
        ] = None,
        db: DbOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Find personal data in text, HTML, PDF, DOCX and e-mail; flag what the register does not allow."""
        new = 0
        if _with_store(db, known, no_store):
            report, new = _scan_with_store(db, paths, known, workers)
        else:
            report = scan_paths(paths, workers=workers)
        if as_json:
            print_json(
                {
                    "files": report.files,
                    "found": [f.as_dict() for f in report.found],
                    "flagged": len(report.flagged),
                    "new_findings": new,
                    "errors": report.errors,
                }
            )
        else:
            _print_table(report)
        for error in report.errors:
            err_console.print(f"[red]error:[/red] {error}", soft_wrap=True)
        if report.errors:
            raise typer.Exit(2)
        if report.flagged:
            raise typer.Exit(1)

    app.add_typer(findings_app, name="findings")


def _finding_row(f: Finding) -> dict[str, object]:
    return {
        "id": f.id,
        "kind": f.kind,
        "reason": f.reason,
        "file": f.source,
        "location": f.location,
        "subject": f.subject_ref,
        "message": f.message_id,
        "status": f.status,
        "raised_at": f.raised_at,
        "resolution": f.resolution,
    }


def _print_findings(rows: list[dict[str, object]]) -> None:
    table = Table(title=f"{len(rows)} finding(s)")
    for column in ("id", "kind", "reason", "where", "subject", "status"):
        table.add_column(column)
    for r in rows:
        where = f"message {r['message']}" if r["message"] else f"{r['file']} ({r['location']})"
        reason = _REASONS.get(str(r["reason"]), str(r["reason"]))
        table.add_row(str(r["id"]), str(r["kind"]), reason, where, str(r["subject"] or ""), str(r["status"]))
    console.print(table)


@findings_app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Resolved and dismissed ones too.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The open findings (or all of them)."""
    with session_scope(db, readonly=True) as session:
        rows = [_finding_row(f) for f in list_findings(session, status=None if all_ else Status.OPEN)]
    if as_json:
        print_json(rows)
    else:
        _print_findings(rows)


@findings_app.command("resolve")
def resolve(
    finding_id: Annotated[int, typer.Argument(help="The finding's id.")],
    note: Annotated[str, typer.Option("--note", help="What was done (no personal data).")],
    dismiss: Annotated[bool, typer.Option("--dismiss", help="Not personal data after all.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a finding: resolved (the data was removed) or dismissed (a false positive)."""
    status = Status.DISMISSED if dismiss else Status.RESOLVED
    with session_scope(db) as session:
        finding = resolve_finding(session, finding_id=finding_id, status=status, note=note, actor=cli_actor())
        result = {"id": finding.id, "status": finding.status}
    if as_json:
        print_json(result)
    else:
        console.print(f"finding {result['id']} {result['status']}")
