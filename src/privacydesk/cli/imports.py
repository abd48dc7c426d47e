"""`privacydesk import …`: bring customers and a customer's contact list into the store.

Each file is imported in one transaction (whole or not at all), and importing it again adds nothing.
The mail and WhatsApp imports add their commands to `import_app` from their own module.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.imports.batch import Summary
from privacydesk.imports.contacts import import_contacts
from privacydesk.imports.customers import import_customers, parse_map
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring

import_app = typer.Typer(
    help="Import customers, contact lists, mail and chats into the store.", no_args_is_help=True
)
FilesArg = Annotated[list[Path], typer.Argument(help="One or more files.", show_default=False)]


def print_summaries(summaries: list[Summary], as_json: bool) -> None:
    """The end-of-import summary: added, matched, skipped with reasons (never values)."""
    if as_json:
        print_json([s.as_dict() for s in summaries])
        return
    for s in summaries:
        console.print(
            f"[bold]{s.file}[/bold]: {s.added} added, {s.matched} matched, {s.records} new values, "
            f"{len(s.skipped)} skipped"
        )
        for reason in s.skipped[:50]:
            console.print(f"  skipped {reason}", style="yellow", soft_wrap=True)
        if len(s.skipped) > 50:
            console.print(f"  … and {len(s.skipped) - 50} more (use --json for all)", style="yellow")


@import_app.command("customers")
def customers(
    files: FilesArg,
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="COLUMN=FIELD, for unusual headers.")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Customers from CSV or XLSX (Dutch and English headers recognised)."""
    columns = parse_map(mapping or [])
    keyring = Keyring.from_settings(settings(db))
    summaries = []
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("importing", total=len(files))
        for path in files:
            with session_scope(db) as session:  # one transaction per file
                _, register = current_register(session)
                summaries.append(
                    import_customers(
                        session,
                        keyring=keyring,
                        register=register,
                        path=path,
                        mapping=columns,
                        today=date.today(),
                        actor=cli_actor(),
                    )
                )
            progress.advance(task)
    print_summaries(summaries, as_json)


@import_app.command("contacts")
def contacts(
    files: FilesArg,
    owner: Annotated[str, typer.Option("--owner", help="E-mail of the customer whose list this is.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A customer's contact list: vCard 2.1/3.0/4.0 or Google Contacts CSV."""
    keyring = Keyring.from_settings(settings(db))
    summaries = []
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("importing", total=len(files))
        for path in files:
            with session_scope(db) as session:
                _, register = current_register(session)
                summaries.append(
                    import_contacts(
                        session,
                        keyring=keyring,
                        register=register,
                        path=path,
                        owner_email=owner,
                        today=date.today(),
                        actor=cli_actor(),
                    )
                )
            progress.advance(task)
    print_summaries(summaries, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
