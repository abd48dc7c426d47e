"""`privacydesk cookies scan URL`: check the live website against the register's cookie list."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.consent import cookiescan
from privacydesk.errors import UnusableInput
from privacydesk.register.service import current_register

cookies_app = typer.Typer(help="Cookies on the live website.", no_args_is_help=True)


def _resolve(values: list[str]) -> dict[str, str]:
    mapping = {}
    for value in values:
        host, sep, address = value.partition("=")
        if not sep or not host or not address:
            raise UnusableInput(
                f"--resolve '{value}': expected HOST=ADDRESS", hint="e.g. www.example.nl=127.0.0.1"
            )
        mapping[host] = address
    return mapping


def _print(report: cookiescan.ScanReport) -> None:
    table = Table("finding", "what", "page", title=f"cookie scan of {report.url} ({len(report.pages)} pages)")
    for f in report.findings:
        table.add_row(f.code, f.message, f.page)
    console.print(table if report.findings else "[green]no findings: the site matches the register[/green]")
    unlocked = Table("kind", "name", "host", title="unlocked by 'Accept all'")
    for s in report.unlocked:
        unlocked.add_row(s.kind, s.name, s.host)
    console.print(unlocked if report.accepted else "no 'Accept all' button was found on the first page")


def _write_html(path: Path, report: cookiescan.ScanReport) -> None:
    if not path.parent.is_dir():
        raise UnusableInput(f"{path}: the folder does not exist", hint="create it, or choose another path")
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(cookiescan.render_html(report))
    os.replace(tmp, path)


@cookies_app.command("scan")
def scan(
    url: Annotated[str, typer.Argument(help="The website to scan, e.g. https://www.ocqto.nl/")],
    pages: Annotated[
        int, typer.Option("--pages", min=1, max=500, help="Follow same-site links up to N pages.")
    ] = 10,
    html: Annotated[Path | None, typer.Option("--html", help="Also write an HTML report here.")] = None,
    resolve: Annotated[
        list[str] | None, typer.Option("--resolve", help="HOST=ADDRESS, to scan a staging copy (repeatable).")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load the site without consent, list every cookie, storage key and third party, compare with
    the register; then again after 'Accept all'. Exit 1 when there are findings."""
    mapping = _resolve(resolve or [])
    with session_scope(db, readonly=True) as session:
        _, reg = current_register(session)
    own = [settings(db).base_url]
    report = cookiescan.scan_site(url, register=reg, max_pages=pages, own=own, resolve=mapping)
    with session_scope(db) as session:
        cookiescan.record_scan(session, report=report, actor=cli_actor())
    if html is not None:
        _write_html(html, report)
    if as_json:
        print_json(cookiescan.as_json(report))
    else:
        _print(report)
    if report.findings:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(cookies_app, name="cookies")
