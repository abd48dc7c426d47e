"""`privacydesk newsletter …`: the mailing list for the mailing tool, and the existing-customer exception."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Annotated

import typer

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.consent import newsletter
from privacydesk.consent.keys import bind_settings
from privacydesk.errors import UnusableInput
from privacydesk.subjects import get_subject

newsletter_app = typer.Typer(
    help="Newsletter and leaflets: mailing list, customer exception.", no_args_is_help=True
)
COLUMNS = ("email", "ground", "since", "unsubscribe_url", "list_unsubscribe", "list_unsubscribe_post")


def _write(path: Path, text: str) -> None:
    """Write the list readable by the owner only, all at once (never half a file)."""
    if path.exists() and path.is_dir():
        raise UnusableInput(f"{path}: is a folder", hint="give a file name, e.g. mailing-list.csv")
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="") as fh:
        fh.write(text)
    tmp.replace(path)


def _csv(recipients: list[newsletter.Recipient]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in recipients:
        writer.writerow([getattr(r, c) for c in COLUMNS])
    return out.getvalue()


@newsletter_app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV file to write (default: stdout).")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The mailing list: only people with valid consent or the customer exception, never anyone on
    the suppression list; with each person's one-click unsubscribe link and List-Unsubscribe headers."""
    if output is not None and not output.parent.is_dir():
        raise UnusableInput(f"{output}: the folder does not exist", hint="create it, or choose another path")
    with session_scope(db) as session:
        bind_settings(session, settings(db))
        recipients = newsletter.mailing_list(session, actor=cli_actor())
    if as_json:
        print_json(recipients)
    elif output is None:
        typer.echo(_csv(recipients), nl=False)
    else:
        _write(output, _csv(recipients))
        console.print(f"{len(recipients)} recipients written to {output}")


@newsletter_app.command("customer-exception")
def customer_exception(
    ref: Annotated[str, typer.Argument(help="The customer's reference.")],
    opt_out_offered: Annotated[
        bool,
        typer.Option(
            "--opt-out-offered", help="Confirm the opt-out was offered when the address was collected."
        ),
    ] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Let a customer get offers for similar products without consent (Telecommunicatiewet 11.7(3))."""
    with session_scope(db) as session:
        bind_settings(session, settings(db))
        subject = get_subject(session, ref=ref)
        event = newsletter.note_customer_exception(
            session, subject_id=subject.id, opt_out_offered=opt_out_offered, actor=cli_actor()
        )
        record = event.record_id
    if as_json:
        print_json({"subject": ref, "ground": "customer_exception", "record": record})
    else:
        console.print(f"{ref}: customer exception recorded ({record}); every mailing must offer the opt-out")


def register(app: typer.Typer) -> None:
    app.add_typer(newsletter_app, name="newsletter")
