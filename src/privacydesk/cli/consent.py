"""`privacydesk consent …`: a person's consents (DPV export), the ledger report, withdrawal by staff."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.consent import ledger
from privacydesk.consent.keys import bind_settings
from privacydesk.subjects import get_subject

consent_app = typer.Typer(help="The consent ledger: show, report, withdraw.", no_args_is_help=True)
RefArg = Annotated[str, typer.Argument(help="The person's reference (as `subjects find` shows it).")]


@consent_app.command("show")
def show(ref: RefArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """A person's consents now, and every event as a DPV consent record (--json)."""
    with session_scope(db) as session:
        subject = get_subject(session, ref=ref)
        statuses = ledger.current_consents(session, subject_id=subject.id)
        records = ledger.export_for_subject(session, subject_id=subject.id)
    if as_json:
        print_json({"subject": ref, "current": statuses, "records": records})
        return
    table = Table("purpose", "state", "ground", "since", "expires", "channel", title=f"consents of {ref}")
    for s in statuses:
        expires = s.expires_at.date().isoformat() if s.expires_at else ""
        table.add_row(
            s.purpose, s.state.value, s.ground.value, s.since.date().isoformat(), expires, s.channel
        )
    console.print(table if statuses else f"no consent events for {ref}")


@consent_app.command("report")
def report(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Current consent states per purpose (people and banner visitors) and events per channel."""
    with session_scope(db, readonly=True) as session:
        found = ledger.ledger_report(session)
    if as_json:
        print_json(found)
        return
    states = [s.value for s in ledger.ConsentState]
    table = Table("purpose", *states, title=f"consent ledger: {found.events} events")
    for purpose, counts in sorted(found.current.items()):
        table.add_row(purpose, *(str(counts.get(s, 0)) for s in states))
    console.print(table)
    console.print(
        "events per channel: " + ", ".join(f"{k} {v}" for k, v in sorted(found.events_by_channel.items()))
    )


@consent_app.command("withdraw")
def withdraw(ref: RefArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Withdraw every consent a person holds (e.g. asked by phone); recorded as channel 'staff'."""
    with session_scope(db) as session:
        bind_settings(session, settings(db))
        subject = get_subject(session, ref=ref)
        events = ledger.withdraw_all(
            session, subject_id=subject.id, channel=ledger.Channel.STAFF, actor=cli_actor()
        )
        purposes = [e.purpose for e in events]
    if as_json:
        print_json({"subject": ref, "withdrawn": purposes})
    else:
        console.print(f"withdrawn for {ref}: {', '.join(purposes) or 'nothing was given'}")


@consent_app.command("expire")
def expire(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Record an 'expired' event for every consent whose period ran out (run it daily)."""
    with session_scope(db) as session:
        count = ledger.expire_consents(session, actor=cli_actor())
    if as_json:
        print_json({"expired": count})
    else:
        console.print(f"{count} consent(s) expired")


def register(app: typer.Typer) -> None:
    app.add_typer(consent_app, name="consent")
