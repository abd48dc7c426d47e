"""`privacydesk hold place|lift|list`: legal holds on a subject or a record."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from privacydesk import auth
from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope
from privacydesk.cli.retention import parse_day
from privacydesk.errors import NotFound, Refused
from privacydesk.retention import holds as legal_holds

hold_app = typer.Typer(help="Legal holds: data that must not be erased.", no_args_is_help=True)

UserOpt = Annotated[
    str | None,
    typer.Option("--user", help="The staff account acting (its role is checked and it is audited)."),
]


def _who(session: Session, email: str | None) -> tuple[str, auth.Role]:
    """The acting staff member; without --user, the operator at the console (full rights)."""
    if email is None:
        return cli_actor(), auth.Role.OWNER
    user = auth.find_user(session, email=email)
    if user is None or not user.active:
        raise NotFound(f"no active staff account {email}", hint="see `privacydesk users list`")
    return auth.actor_of(user), auth.Role(user.role)


@hold_app.command("place")
def place(
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. a case or claim number.")],
    subject: Annotated[str | None, typer.Option("--subject", help="The subject's ref.")] = None,
    record: Annotated[int | None, typer.Option("--record", help="One record's id.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="End date (YYYY-MM-DD); none: until lifted.")
    ] = None,
    user: UserOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Place a hold: retention and erasure requests leave the data alone while it binds."""
    with session_scope(db) as session:
        actor, role = _who(session, user)
        if not auth.can(role, auth.Permission.PLACE_HOLD):
            raise Refused("this account may not place holds", hint="ask the privacy officer")
        hold = legal_holds.place_hold(
            session,
            subject_ref=subject,
            record_id=record,
            reason=reason,
            ends_on=parse_day(until, "--until"),
            today=date.today(),
            actor=actor,
        )
        hold_id, target = hold.id, hold.target
    if as_json:
        print_json({"hold": hold_id, "target": target})
    else:
        console.print(f"hold {hold_id} placed on {target}")


@hold_app.command("lift")
def lift(
    hold_id: Annotated[int, typer.Argument(help="The hold's number (see `hold list`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the hold ends.")],
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """Lift a hold (needs the lift_hold permission: owner or privacy officer)."""
    with session_scope(db) as session:
        actor, role = _who(session, user)
        legal_holds.lift_hold(session, hold_id=hold_id, reason=reason, role=role, actor=actor)
    console.print(f"hold {hold_id} lifted; retention applies to that data again")


@hold_app.command("list")
def list_holds(
    all_: Annotated[bool, typer.Option("--all", help="Include lifted and ended holds.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The holds in force (or all of them)."""
    with session_scope(db, readonly=True) as session:
        views = legal_holds.list_holds(session, today=date.today(), include_inactive=all_)
    if as_json:
        print_json(views)
        return
    if not views:
        console.print("no legal holds")
    for v in views:
        state = "active" if v.active else f"lifted by {v.lifted_by}" if v.lifted_by else "ended"
        console.print(
            f"{v.id:>4} {v.target:<44} until {v.ends_on or 'lifted':<10} {state:<18} "
            f"by {v.placed_by}: {v.reason}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(hold_app, name="hold")
