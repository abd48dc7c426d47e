"""`privacydesk subjects find|show`: find a person by any identifier or name; show all their data."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from privacydesk import audit
from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.errors import NotFound
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.subjects import SubjectView, find_subjects, get_subject, subject_view

subjects_app = typer.Typer(
    help="Find people in the store and show everything held about them.", no_args_is_help=True
)


@subjects_app.command("find")
def find(
    query: Annotated[str, typer.Argument(help="An e-mail, a phone in any format, an IBAN or a name.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find subjects by e-mail, phone, IBAN or name (exit 1 when none match)."""
    keyring = Keyring.from_settings(settings(db))
    with session_scope(db) as session:
        found = find_subjects(session, keyring=keyring, query=query)
        rows = [{"ref": s.ref, "type": s.subject_type, "created": s.created_at.date()} for s in found]
        audit.record(
            session, action=audit.Action.SUBJECT_SEARCHED, actor=cli_actor(), details={"results": len(rows)}
        )
    if as_json:
        print_json(rows)
    else:
        table = Table("ref", "type", "since")
        for r in rows:
            table.add_row(str(r["ref"]), str(r["type"]), str(r["created"]))
        console.print(table if rows else "no subject matches")
    raise typer.Exit(0 if rows else 1)


def _print_view(view: SubjectView, purposes: dict[str, str]) -> None:
    console.print(
        f"[bold]subject {view.ref}[/bold] ({view.subject_type})"
        + (f", from the contact list of {view.owner_ref}" if view.owner_ref else "")
        + (" — [red]restricted[/red]" if view.restricted else "")
    )
    for kind, values in view.identifiers.items():
        console.print(f"  {kind}: {', '.join(values)}")
    for purpose, records in view.purposes.items():
        table = Table(
            "record",
            "category",
            "kind",
            "source",
            "value",
            "erased on",
            title=purposes.get(purpose, purpose),
            title_justify="left",
        )
        for r in records:
            value = ", ".join(f"{k}: {v}" for k, v in r.value.items() if k != "message_key")
            table.add_row(
                str(r.id),
                r.category,
                r.kind,
                r.source,
                value or "-",
                str(r.expires_on)
                if r.expires_on
                else "clock not started" + (" (restricted)" if r.restricted else ""),
            )
        console.print(table)
    if view.contacts:
        console.print(f"  {view.contacts} contact(s) imported from this person's contact list")


@subjects_app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="The subject's reference (from `subjects find`).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Everything the store holds about one subject, grouped by purpose, each with its erase date."""
    keyring = Keyring.from_settings(settings(db))
    with session_scope(db) as session:
        _, register = current_register(session)
        try:
            subject = get_subject(session, ref=ref)
        except NotFound:
            raise NotFound("no subject with that reference", hint="use `privacydesk subjects find`") from None
        view = subject_view(session, keyring=keyring, subject_id=subject.id, actor=cli_actor())
    if as_json:
        print_json(view)
    else:
        _print_view(view, {p.key: p.name.en for p in register.purposes})


def register(app: typer.Typer) -> None:
    app.add_typer(subjects_app, name="subjects")
