"""`privacydesk statement …`: render, publish, list and compare the privacy statement; find gaps in one."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope
from privacydesk.errors import UnusableInput
from privacydesk.register.load import load_register
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.statement import render as rendering
from privacydesk.statement import words
from privacydesk.statement.diff import Change
from privacydesk.statement.gaps import GapReport, analyse_file
from privacydesk.statement.versions import (
    compare_statements,
    get_statement,
    list_statements,
    publish_statement,
    register_of_statement,
)

statement_app = typer.Typer(
    help="Render, publish and compare the privacy statement; report the gaps of an existing one.",
    no_args_is_help=True,
)

RegisterOpt = Annotated[
    Path | None,
    typer.Option(
        "--register", help="Render this register file instead of the one in force.", show_default=False
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="nl or en.")]
FormatOpt = Annotated[str, typer.Option("--format", help="md, html or pdf.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Write to this file (needed for pdf).", show_default=False),
]
VersionOpt = Annotated[
    int | None,
    typer.Option("--version", help="Render this published version as it was published.", show_default=False),
]


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` whole or not at all (a temporary file renamed into place)."""
    if path.is_dir():
        raise UnusableInput(f"{path} is a directory", hint="give a file name, e.g. -o privacy.pdf")
    raw = data.encode() if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    except OSError as exc:
        raise UnusableInput(f"cannot write {path}: {exc.strerror}", hint="choose a writable folder") from None
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
    os.replace(tmp, path)


def _from_register(file: Path | None, db: str | None) -> Register:
    if file is not None:
        return rendering.refuse_errors(load_register(file))
    with session_scope(db, readonly=True) as session:
        return current_register(session)[1]


def _published(number: int, lang: str, fmt: str, db: str | None) -> str | bytes:
    with session_scope(db, readonly=True) as session:
        statement = get_statement(session, number=number)
        kept = statement.renderings[lang]
        meta = rendering.Meta(str(statement.number), statement.effective_date)
        brand = register_of_statement(session, statement).controller.branding.primary_color
    if fmt == "md":
        return str(kept["markdown"])
    page = rendering.html_document(kept["html"], rendering.Page(lang, kept["title"], meta, brand))
    return page if fmt == "html" else rendering.html_to_pdf(page)


@statement_app.command("render")
def render_cmd(
    file: RegisterOpt = None,
    lang: LangOpt = "nl",
    fmt: FormatOpt = "md",
    output: OutOpt = None,
    version: VersionOpt = None,
    db: DbOpt = None,
) -> None:
    """Render the statement from the register in force (or --register FILE, or a published --version)."""
    words.check_language(lang)
    rendering.check_format(fmt)
    if version is not None and file is not None:
        raise UnusableInput("--version and --register cannot be combined", hint="give one of the two")
    if fmt == "pdf" and output is None:
        raise UnusableInput("a PDF is not printed to the terminal", hint="add -o FILE.pdf")
    if version is not None:
        result = _published(version, lang, fmt, db)
    else:
        result = rendering.render(_from_register(file, db), lang, fmt)
    if output is None:
        assert isinstance(result, str)
        typer.echo(result, nl=False)
        return
    write_atomically(output, result)
    console.print(f"wrote {output} ({len(result)} {'bytes' if isinstance(result, bytes) else 'characters'})")


def _effective_date(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise UnusableInput(f"--effective-date '{text}' is not a date", hint="use YYYY-MM-DD") from None


@statement_app.command("publish")
def publish(
    effective: Annotated[
        str | None,
        typer.Option("--effective-date", help="YYYY-MM-DD; today when left out.", show_default=False),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Publish the statement of the register in force as a new version (when it says something new)."""
    with session_scope(db) as session:
        result = publish_statement(session, effective_date=_effective_date(effective), actor=cli_actor())
        s = result.statement
        number, day, revision = s.number, s.effective_date, s.consent_revision
        summary = {"version": number, "created": result.created, "effective_date": day}
        summary |= {"content_hash": s.content_hash, "consent_revision": revision}
    if as_json:
        print_json(summary | {"changes": [c.as_dict() for c in result.changes]})
    elif not result.created:
        console.print(f"nothing new: version {number} already says this (effective {day})")
    else:
        console.print(f"published statement version {number}, effective {day}")
        _print_changes(result.changes)
        console.print(f"consent revision: {revision}")


def _print_changes(changes: list[Change]) -> None:
    for change in changes:
        mark = "[bold yellow]material[/bold yellow] " if change.material else ""
        console.print(f"  • {mark}{change.text}", soft_wrap=True)


def _versions_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Published privacy statements")
    for col in ("version", "effective", "consent revision", "content", "published at"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["version"]),
            str(r["effective_date"]),
            str(r["consent_revision"]),
            str(r["content_hash"])[:12],
            f"{r['published_at']:%Y-%m-%d %H:%M} UTC",
        )
    return table


@statement_app.command("list")
def list_cmd(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The published versions, newest first."""
    with session_scope(db, readonly=True) as session:
        rows = [
            {
                "version": s.number,
                "effective_date": s.effective_date,
                "consent_revision": s.consent_revision,
                "content_hash": s.content_hash,
                "published_at": s.published_at,
                "material_changes": s.material_changes,
            }
            for s in list_statements(session)
        ]
    if as_json:
        print_json(rows)
    elif not rows:
        console.print("no statement has been published yet; run `privacydesk statement publish`")
    else:
        console.print(_versions_table(rows))


def _print_text_summary(lines: list[str], lang: str, show: bool) -> None:
    added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    hint = "" if show else "; --text shows them"
    console.print(f"text ({lang}): {added} line(s) added, {removed} removed{hint}")
    if show:
        for line in lines:
            typer.echo(line)


@statement_app.command("diff")
def diff_cmd(
    old: Annotated[int, typer.Argument(help="The older version number.")],
    new: Annotated[int, typer.Argument(help="The newer version number.")],
    text: Annotated[bool, typer.Option("--text", help="Also show the line-by-line text diff.")] = False,
    lang: LangOpt = "nl",
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two published versions, in plain words (and --text for the wording)."""
    words.check_language(lang)
    with session_scope(db, readonly=True) as session:
        result = compare_statements(session, old=old, new=new)
        dates = (result.old.effective_date, result.new.effective_date)
    if as_json:
        changes = [c.as_dict() for c in result.changes]
        print_json({"from": old, "to": new, "changes": changes, "text_diff": result.text})
        return
    console.print(f"[bold]statement version {old} ({dates[0]}) → {new} ({dates[1]})[/bold]")
    if not result.changes:
        console.print("  no change in what the register promises; only the wording may differ")
    _print_changes(result.changes)
    _print_text_summary(result.text[lang], lang, text)


def _print_report(report: GapReport) -> None:
    console.print(
        f"[bold]{report.file}[/bold] — read as {report.language_name}, {report.sentences} sentences"
    )
    for item in report.items:
        colour = {"covered": "green", "partial": "yellow", "missing": "red"}.get(item.status, "dim")
        label = "N/A" if item.status == "not applicable" else item.status.upper()
        console.print(f"[{colour}]{label:8}[/{colour}] {item.ref:9} {item.title}", soft_wrap=True)
        for line in item.explain():
            console.print(
                f"         {line}", soft_wrap=True, style="dim" if item.status == "covered" else None
            )
    if report.doubts:
        console.print("[bold]Doubtful statements[/bold]")
    for doubt in report.doubts:
        console.print(f"[yellow]DOUBTFUL[/yellow] {doubt.code} {doubt.title}", soft_wrap=True)
        for line in doubt.explain():
            console.print(f"         {line}", soft_wrap=True)
    console.print(f"[bold]{report.summary()}[/bold]")


@statement_app.command("gaps")
def gaps(
    file: Annotated[Path, typer.Argument(help="A privacy statement: plain text, Markdown or HTML.")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="nl or en; detected when left out.", show_default=False)
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check an existing statement against GDPR art. 13/14, item by item, quoting its sentences."""
    report = analyse_file(file, lang=lang)
    if as_json:
        print_json(report.as_dict())
    else:
        _print_report(report)
    raise typer.Exit(1 if report.has_gaps else 0)


def register(app: typer.Typer) -> None:
    app.add_typer(statement_app, name="statement")
