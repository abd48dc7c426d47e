"""`privacydesk register …`: check, show and load the privacy register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope
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


def register(app: typer.Typer) -> None:
    app.add_typer(register_app, name="register")
