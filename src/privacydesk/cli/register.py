"""`privacydesk register …`: check, show and load the privacy register."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope
from privacydesk.errors import UnusableInput
from privacydesk.register import export
from privacydesk.register.load import LoadedRegister, RegisterInvalid, load_register
from privacydesk.register.model import Register
from privacydesk.register.rules import Severity, check_register
from privacydesk.register.service import current_register, store_register_version

register_app = typer.Typer(help="Check, show and load the privacy register.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="A register YAML file.", show_default=False)]


def _print_findings(loaded: LoadedRegister, as_json: bool) -> int:
    findings = check_register(loaded)
    errors = sum(f.severity == Severity.ERROR for f in findings)
    if as_json:
        print_json(
            {
                "file": loaded.source,
                "valid": errors == 0,
                "errors": errors,
                "warnings": len(findings) - errors,
                "findings": [f.as_dict(loaded) for f in findings],
            }
        )
    else:
        for f in findings:
            colour = "red" if f.severity == Severity.ERROR else "yellow"
            console.print(
                f"{loaded.lines.where(f.path)}: [{colour}]{f.severity}[/{colour}] {f.code} {f.message}",
                soft_wrap=True,
            )
            console.print(f"  fix: {f.fix}", style="dim", soft_wrap=True)
        summary = f"{errors} error(s), {len(findings) - errors} warning(s) in {loaded.source}"
        console.print(
            f"[bold]{summary}[/bold]" if findings else f"[green]no findings[/green] in {loaded.source}"
        )
    return 1 if errors else 0


@register_app.command("check")
def check(file: FileArg, as_json: JsonOpt = False) -> None:
    """Validate FILE, then check it against the rules of the GDPR/AVG; every finding has file:line."""
    try:
        loaded = load_register(file)
    except RegisterInvalid as exc:
        if as_json:
            print_json({"file": str(file), "valid": False, "problems": exc.problems})
            raise typer.Exit(2) from None
        raise
    raise typer.Exit(_print_findings(loaded, as_json))


def _summary_tables(reg: Register) -> list[Table]:
    c = reg.controller
    head = Table(title=f"{c.display_name} — register {reg.statement_version} ({reg.effective_date})")
    head.add_column("")
    head.add_column("")
    head.add_row("Address", f"{c.address.street}, {c.address.postcode} {c.address.city}")
    head.add_row("Contact", f"{c.email} · {c.phone or '-'} · {c.website}")
    head.add_row("DPO" if c.dpo.formally_appointed else "Privacy contact", f"{c.dpo.name} <{c.dpo.email}>")
    head.add_row("Requests to", f"{reg.rights.request_email}, answered within {reg.rights.answer_term}")
    purposes = Table(title="Purposes")
    for col in ("purpose", "legal basis", "categories", "recipients", "retention"):
        purposes.add_column(col)
    for p in reg.purposes:
        purposes.add_row(
            p.name.en,
            p.legal_basis.value if p.legal_basis else "-",
            ", ".join(p.categories),
            ", ".join(p.recipients) or "-",
            p.retention or "-",
        )
    recipients = Table(title="Recipients")
    for col in ("name", "role", "country", "DPA", "transfer"):
        recipients.add_column(col)
    for r in reg.recipients:
        dpa = (
            str(r.dpa.signed_on) if r.dpa and r.dpa.signed_on else ("-" if r.role != "processor" else "none")
        )
        recipients.add_row(
            r.name,
            r.role.value,
            r.country,
            dpa,
            r.transfer_mechanism.value if r.transfer_mechanism else "-",
        )
    cookies = Table(title="Cookies")
    for col in ("name", "category", "lifetime", "consent"):
        cookies.add_column(col)
    for k in reg.cookies:
        cookies.add_row(k.name, k.category.value, k.lifetime, "yes" if k.consent_required else "no")
    return [head, purposes, recipients, cookies]


@register_app.command("show")
def show(
    file: Annotated[
        Path | None, typer.Option("--register", help="Show this file instead of the database's.")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A readable summary of the register in force (or of --register FILE)."""
    if file is not None:
        reg, number = load_register(file).register, None
    else:
        with session_scope(db, readonly=True) as session:
            version, reg = current_register(session)
            number = version.number
    if as_json:
        print_json({"version": number, "register": reg.model_dump(mode="json")})
        return
    for table in _summary_tables(reg):
        console.print(table)


@register_app.command("load")
def load(file: FileArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Store FILE as a new register version (refused while `register check` finds errors)."""
    loaded = load_register(file)
    with session_scope(db) as session:
        version = store_register_version(session, loaded=loaded, actor=cli_actor())
        number, content_hash = version.number, version.content_hash
    if as_json:
        print_json({"version": number, "content_hash": content_hash})
    else:
        console.print(f"register version {number} in force ({content_hash[:12]}…)")


EXPORT_SUFFIX = {"ropa-pdf": ".pdf", "ropa-xlsx": ".xlsx", "fides": ".yml", "dpv-jsonld": ".jsonld"}


def _export_bytes(reg: Register, fmt: str, lang: str) -> bytes:
    if fmt == "ropa-pdf":
        return export.ropa_pdf(reg, lang)
    if fmt == "ropa-xlsx":
        return export.ropa_xlsx(reg, lang)
    if fmt == "fides":
        return yaml.safe_dump(export.fides_manifest(reg), sort_keys=False, allow_unicode=True).encode()
    return export.dpv_jsonld(reg).encode()


@register_app.command("export")
def export_register(
    fmt: Annotated[str, typer.Option("--format", help="ropa-pdf | ropa-xlsx | fides | dpv-jsonld")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--register", help="Export this file instead of the database's.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="nl | en (for the RoPA).")] = "nl",
    db: DbOpt = None,
) -> None:
    """The records of processing (art. 30) as PDF or spreadsheet, a Fides manifest, or W3C DPV JSON-LD."""
    if fmt not in EXPORT_SUFFIX:
        raise UnusableInput(f"unknown format '{fmt}'", hint="use one of " + ", ".join(EXPORT_SUFFIX))
    if lang not in ("nl", "en"):
        raise UnusableInput(f"unknown language '{lang}'", hint="use nl or en")
    if file is not None:
        reg = load_register(file).register
    else:
        with session_scope(db, readonly=True) as session:
            _, reg = current_register(session)
    data = _export_bytes(reg, fmt, lang)
    if output is None and fmt in ("ropa-pdf", "ropa-xlsx"):
        raise UnusableInput(f"{fmt} is a binary file", hint=f"give -o FILE{EXPORT_SUFFIX[fmt]}")
    if output is None:
        sys.stdout.write(data.decode())
        return
    output.write_bytes(data)
    console.print(f"wrote {output} ({len(data):,} bytes)")


def register(app: typer.Typer) -> None:
    app.add_typer(register_app, name="register")
