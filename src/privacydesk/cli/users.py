"""`privacydesk users …` and `privacydesk tokens …`: staff accounts and API tokens."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit, auth
from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope
from privacydesk.errors import NotFound, UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.models.core import StaffUser

users_app = typer.Typer(help="Staff accounts: add, list, disable, reset passwords.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for scripts, scoped to a role.", no_args_is_help=True)
ROLE_HELP = "owner | privacy-officer | staff | auditor"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise UnusableInput("no password on standard input")
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def add(
    email: Annotated[str, typer.Argument(help="The staff member's e-mail (their login).")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a staff account (the password is asked, or read with --password-stdin)."""
    parsed_role = auth.parse_role(role)
    password = _read_password(password_stdin)
    with session_scope(db) as session:
        user = auth.add_user(session, email=email, role=parsed_role, password=password, actor=cli_actor())
        result = {"id": user.id, "email": user.email, "role": user.role}
    if as_json:
        print_json(result)
    else:
        note = (
            " (two-factor login will be asked at first login)"
            if parsed_role in auth.ROLES_NEEDING_TOTP
            else ""
        )
        console.print(f"added {result['email']} as {result['role']}{note}")


@users_app.command("list")
def list_users(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """List staff accounts."""
    with session_scope(db, readonly=True) as session:
        users = session.execute(select(StaffUser).order_by(StaffUser.id)).scalars().all()
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "role": u.role,
                "active": u.active,
                "two_factor": u.totp_confirmed,
            }
            for u in users
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "e-mail", "role", "active", "two-factor")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["email"]),
            str(r["role"]),
            "yes" if r["active"] else "no",
            "yes" if r["two_factor"] else "no",
        )
    console.print(table)


def _user(session: Session, email: str) -> StaffUser:
    user = auth.find_user(session, email=email)
    if user is None:
        raise NotFound("no staff account with that e-mail")
    return user


@users_app.command("disable")
def disable(email: str, db: DbOpt = None) -> None:
    """Disable a staff account; its sessions and tokens stop working at once."""
    with session_scope(db) as session:
        user = _user(session, email)
        user.active = False
        audit.record(
            session,
            action=audit.Action.USER_DISABLED,
            actor=cli_actor(),
            target_type="user",
            target_id=user.id,
        )
    console.print("account disabled")


@users_app.command("password")
def password(
    email: str,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Set a new password (and unlock the account)."""
    new = _read_password(password_stdin)
    with session_scope(db) as session:
        auth.set_password(session, user=_user(session, email), password=new, actor=cli_actor())
    console.print("password changed")


@users_app.command("reset-two-factor")
def reset_two_factor(email: str, db: DbOpt = None) -> None:
    """Forget a staff member's authenticator (a lost phone): they enrol a new one at next login."""
    with session_scope(db) as session:
        auth.reset_totp(session, user=_user(session, email), actor=cli_actor())
    console.print("two-factor login reset: a new authenticator is set up at the next login")


@users_app.command("unlock")
def unlock(email: str, db: DbOpt = None) -> None:
    """Unlock an account locked after repeated failed logins."""
    with session_scope(db) as session:
        auth.unlock_user(session, user=_user(session, email), actor=cli_actor())
    console.print("account unlocked")


@tokens_app.command("create")
def create_token(
    email: Annotated[str, typer.Option("--user", help="The staff account the token acts for.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
    role: Annotated[
        str | None, typer.Option("--role", help=f"Scope: {ROLE_HELP} (default: the user's).")
    ] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Expire after this many days.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Issue an API token; the secret is shown once."""
    scope = auth.parse_role(role) if role else None
    expires = utcnow() + timedelta(days=days) if days else None
    with session_scope(db) as session:
        issued = auth.create_api_token(
            session,
            user=_user(session, email),
            name=name,
            role=scope,
            expires_at=expires,
            actor=cli_actor(),
        )
        result = {"id": issued.token.id, "role": issued.token.role, "token": issued.secret}
    if as_json:
        print_json(result)
    else:
        console.print(
            f"token {result['id']} ({result['role']}): {result['token']}\n"
            "Store it now; it is not shown again."
        )


@tokens_app.command("revoke")
def revoke_token(token_id: int, db: DbOpt = None) -> None:
    """Revoke an API token by its id."""
    with session_scope(db) as session:
        auth.revoke_api_token(session, token_id=token_id, actor=cli_actor())
    console.print("token revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
