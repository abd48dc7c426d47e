"""`privacydesk requests …`: the queue of data-subject requests, from intake to closing."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope, settings
from privacydesk.consent.keys import bind_settings
from privacydesk.errors import Refused, UnusableInput
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.subject_requests import answer, identity, imap, lifecycle
from privacydesk.subject_requests.domain import Channel
from privacydesk.subject_requests.intake import Intake, confirm_draft, open_request
from privacydesk.subject_requests.mailintake import intake_email
from privacydesk.subject_requests.records import get_request
from privacydesk.subjects import get_subject

requests_app = typer.Typer(
    help="Data-subject requests: open, list, verify, fulfil, close.", no_args_is_help=True
)
IdArg = Annotated[str, typer.Argument(help="The request's reference (32 characters).", show_default=False)]
TypeOpt = Annotated[
    list[str],
    typer.Option(
        "--type",
        help="access, rectification, erasure, restriction, portability, objection, "
        "consent_withdrawal; repeat for several.",
    ),
]
URGENCY_STYLE = {"overdue": "bold red", "nearly_due": "yellow", "on_track": "green", "stopped": "dim"}


def _keyring(db: str | None) -> Keyring:
    return Keyring.from_settings(settings(db))


def _register(session: Session) -> Register:
    return current_register(session)[1]


def _base_url(db: str | None) -> str:
    return settings(db).base_url


def _show(result: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        print_json(result)
    else:
        console.print(line, soft_wrap=True)


@requests_app.command("open")
def open_(
    kinds: TypeOpt,
    email: Annotated[str | None, typer.Option("--email", help="The requester's e-mail address.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The requester's name (narrows a shared address).")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The requester's phone number.")] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", help="Link to this subject ref directly.")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--to-organisation", help="Portability: send to this party.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="nl or en: the language of the letters.")] = "nl",
    no_code: Annotated[bool, typer.Option("--no-code", help="Do not send an identity code now.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a request on someone's behalf; acknowledges it and sends an identity code to a known address."""
    keyring, base = _keyring(db), _base_url(db)
    intake = Intake(
        kinds=kinds,
        channel=Channel.STAFF,
        email=email,
        name=name,
        phone=phone,
        target=target,
        lang=lang,
        subject_ref=subject,
    )
    with session_scope(db) as session:
        register = _register(session)
        request = open_request(
            session, keyring=keyring, register=register, intake=intake, actor=cli_actor(), base_url=base
        )
        sent = (
            False
            if no_code
            else identity.start_identity_check(
                session, keyring=keyring, register=register, request=request, actor=cli_actor(), base_url=base
            )
        )
        kinds_done = list(request.kinds)
        result: dict[str, Any] = {
            "ref": request.ref,
            "status": request.status,
            "kinds": request.kinds,
            "code_sent": sent,
            "matches": request.matches,
        }
    note = "an identity code was sent to the address we hold" if sent else "no code sent: verify with --note"
    _show(result, as_json, f"opened {result['ref']} ({', '.join(kinds_done)}); {note}")


@requests_app.command("list")
def list_(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only requests past their deadline.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Include closed requests.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The queue: overdue first, then nearly due, then the rest by due date."""
    with session_scope(db, readonly=True) as session:
        items = lifecycle.list_requests(
            session, today=date.today(), overdue_only=overdue, include_closed=all_
        )
        rows = [i.as_dict() for i in items]
    if as_json:
        print_json(rows)
        return
    table = Table("ref", "status", "kinds", "received", "due", "days left", "urgency", "channel")
    for r in rows:
        style = URGENCY_STYLE[r["urgency"]]
        table.add_row(
            r["ref"],
            r["status"],
            ", ".join(r["kinds"]),
            r["received_on"],
            r["due"],
            str(r["days_left"]),
            f"[{style}]{r['urgency']}[/{style}]",
            r["channel"],
        )
    console.print(table if rows else "no open requests")


@requests_app.command("show")
def show(ref: IdArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """One request: the requester's details, both clocks and every step."""
    keyring = _keyring(db)
    with session_scope(db, readonly=True) as session:
        detail = lifecycle.request_detail(
            session, keyring=keyring, request=get_request(session, ref=ref), today=date.today()
        ).as_dict()
    if as_json:
        print_json(detail)
        return
    who = detail["requester"]
    console.print(
        f"[bold]{detail['ref']}[/bold]  {detail['status']}  {', '.join(detail['kinds'])}  "
        f"via {detail['channel']}"
    )
    console.print(f"requester: {who['name'] or '-'} <{who['email'] or '-'}> {who['phone'] or ''}")
    console.print(
        f"subject: {detail['subject_ref'] or '(not linked; ' + str(detail['matches']) + ' match(es))'}"
    )
    console.print(
        f"received {detail['received_on']}; promised by {detail['promised_due']}; legal deadline "
        f"{detail['legal_due']} ({detail['urgency']}, {detail['days_left']} days left)"
    )
    for step in detail["steps"]:
        note = f" — {step['note']}" if step["note"] else ""
        console.print(
            f"  {step['at']}  {step['step']:<18} {step['status']:<18} {step['actor']}{note}", soft_wrap=True
        )


@requests_app.command("verify")
def verify(
    ref: IdArg,
    note: Annotated[
        str | None, typer.Option("--note", help="How you confirmed the identity yourself.")
    ] = None,
    code: Annotated[str | None, typer.Option("--code", help="The code the person received.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Confirm the requester's identity: with --note (you checked) or --code (the code they received)."""
    if (note is None) == (code is None):
        raise UnusableInput("give exactly one of --note or --code", hint='--note "called the number we hold"')
    keyring = _keyring(db)
    with session_scope(db) as session:
        request = get_request(session, ref=ref)
        if code is not None:
            ok = identity.verify_code(session, keyring=keyring, request=request, code=code, actor=cli_actor())
        else:
            identity.confirm_identity(
                session, keyring=keyring, request=request, note=note or "", actor=cli_actor()
            )
            ok = True
        status = request.status
    if not ok:  # raised after the commit, so the failed attempt stays counted and audited
        raise Refused(identity.NEUTRAL_FAILURE, hint=f"`privacydesk requests new-code {ref}` sends a new one")
    _show({"ref": ref, "status": status}, as_json, f"{ref} is {status}")


@requests_app.command("new-code")
def new_code(ref: IdArg, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Send a fresh identity code to the address we hold (the old one stops working)."""
    keyring = _keyring(db)
    with session_scope(db) as session:
        sent = identity.start_identity_check(
            session,
            keyring=keyring,
            register=_register(session),
            request=get_request(session, ref=ref),
            actor=cli_actor(),
            base_url=_base_url(db),
        )
    _show(
        {"ref": ref, "code_sent": sent},
        as_json,
        "a new code was sent" if sent else "no address on file for a code: verify with --note or ask-id",
    )


@requests_app.command("ask-id")
def ask_id(
    ref: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why no code can be used.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ask for an ID copy — only where no code can be sent to an address we hold."""
    with session_scope(db) as session:
        request = identity.ask_for_id_copy(
            session,
            keyring=_keyring(db),
            request=get_request(session, ref=ref),
            reason=reason,
            actor=cli_actor(),
        )
        status = request.status
    _show(
        {"ref": ref, "status": status}, as_json, f"{ref}: the requester can upload an ID copy on the portal"
    )


@requests_app.command("link")
def link(
    ref: IdArg,
    subject: Annotated[str, typer.Option("--subject", help="The subject's ref.")],
    note: Annotated[str | None, typer.Option("--note", help="Why this is the person.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Link a request to the one subject it is about (before the identity is verified)."""
    with session_scope(db) as session:
        lifecycle.link_subject(
            session,
            request=get_request(session, ref=ref),
            subject=get_subject(session, ref=subject),
            actor=cli_actor(),
            keyring=_keyring(db),
            note=note,
        )
    _show({"ref": ref, "subject_ref": subject}, as_json, f"{ref} is now about subject {subject}")


@requests_app.command("confirm")
def confirm(
    ref: IdArg,
    kinds: Annotated[list[str] | None, typer.Option("--type", help="Correct the recognised kinds.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Confirm a draft recognised from e-mail: it becomes a request, is acknowledged and gets a code."""
    keyring, base = _keyring(db), _base_url(db)
    with session_scope(db) as session:
        register = _register(session)
        request = confirm_draft(
            session,
            keyring=keyring,
            register=register,
            request=get_request(session, ref=ref),
            actor=cli_actor(),
            base_url=base,
            kinds=kinds,
        )
        sent = identity.start_identity_check(
            session, keyring=keyring, register=register, request=request, actor=cli_actor(), base_url=base
        )
        kinds_done = list(request.kinds)
        result = {"ref": ref, "status": request.status, "kinds": kinds_done, "code_sent": sent}
    _show(result, as_json, f"{ref} confirmed ({', '.join(kinds_done)})")


def _changes(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        field, sep, new = value.partition("=")
        if not sep or not field.strip():
            raise UnusableInput(
                f"--change '{value}' is not FIELD=VALUE", hint="--change email=new@example.nl"
            )
        out[field.strip()] = new.strip()
    return out


def _identifier_fixes(values: list[str]) -> list[tuple[str, str, str]]:
    out = []
    for value in values:
        kind, sep, rest = value.partition(":")
        old, sep2, new = rest.partition("=")
        if not (sep and sep2 and kind and old and new):
            raise UnusableInput(
                f"--identifier '{value}' is not KIND:OLD=NEW",
                hint="--identifier email:old@example.nl=new@example.nl",
            )
        out.append((kind.strip(), old.strip(), new.strip()))
    return out


def _fulfil_extra(
    record: int | None, change: list[str], identifier: list[str], purpose: list[str]
) -> dict[str, Any]:
    """What the fulfilment steps need beyond the request itself (rectification, chosen purposes)."""
    if change and record is None:
        raise UnusableInput("--change needs --record", hint="--record 12 --change amount=100.00")
    extra: dict[str, Any] = {}
    if record is not None:
        extra["records"] = {record: _changes(change)}
    if identifier:
        extra["identifiers"] = _identifier_fixes(identifier)
    if purpose:
        extra["purposes"] = purpose
    return extra


@requests_app.command("fulfil")
def fulfil(
    ref: IdArg,
    record: Annotated[
        int | None, typer.Option("--record", help="Rectification: the record to correct.")
    ] = None,
    change: Annotated[list[str] | None, typer.Option("--change", help="Rectification: FIELD=VALUE.")] = None,
    identifier: Annotated[
        list[str] | None, typer.Option("--identifier", help="Rectification: KIND:OLD=NEW (e.g. email).")
    ] = None,
    purpose: Annotated[
        list[str] | None,
        typer.Option("--purpose", help="Restriction/objection/consent: only these purposes."),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Carry out a verified request (every kind it asks for) and send the answer letter."""
    keyring, cfg = _keyring(db), settings(db)
    extra = _fulfil_extra(record, change or [], identifier or [], purpose or [])
    with session_scope(db) as session:
        bind_settings(session, cfg)  # erasure puts the address on the suppression list, which needs the key
        result = answer.fulfil_request(
            session,
            keyring=keyring,
            register=_register(session),
            request=get_request(session, ref=ref),
            out_dir=Path(cfg.data_dir) / "exports",
            base_url=cfg.base_url,
            today=date.today(),
            actor=cli_actor(),
            extra=extra,
        )
    files = [str(f) for f in result.files]
    _show(
        {"ref": ref, "status": "answered", "files": files, "summaries": result.summaries},
        as_json,
        f"{ref} answered; files: {', '.join(files) or 'none'}; the answer letter is in the outbox",
    )


@requests_app.command("extend")
def extend(
    ref: IdArg,
    reason: Annotated[
        str, typer.Option("--reason", help="Why more time is needed (the requester reads it).")
    ],
    months: Annotated[int, typer.Option("--months", help="1 or 2 more months.")] = 2,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Extend the legal term by up to two months, within the first month, with a letter."""
    keyring = _keyring(db)
    with session_scope(db) as session:
        request = lifecycle.extend_request(
            session,
            keyring=keyring,
            register=_register(session),
            request=get_request(session, ref=ref),
            months=months,
            reason=reason,
            today=date.today(),
            actor=cli_actor(),
        )
        due = lifecycle.clocks_of(request, date.today()).legal.isoformat()
    _show(
        {"ref": ref, "legal_due": due},
        as_json,
        f"{ref}: new legal deadline {due}; the letter is in the outbox",
    )


@requests_app.command("refuse")
def refuse(
    ref: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="The reasons (the requester reads them).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Refuse a request with reasons; the letter names the complaint route to the AP."""
    keyring = _keyring(db)
    with session_scope(db) as session:
        lifecycle.refuse_request(
            session,
            keyring=keyring,
            register=_register(session),
            request=get_request(session, ref=ref),
            reason=reason,
            actor=cli_actor(),
        )
    _show({"ref": ref, "status": "refused"}, as_json, f"{ref} refused; the letter is in the outbox")


@requests_app.command("close")
def close(
    ref: IdArg,
    note: Annotated[str | None, typer.Option("--note", help="A note for the file.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close an answered or refused request (or dismiss a draft that was no request)."""
    with session_scope(db) as session:
        lifecycle.close_request(
            session, keyring=_keyring(db), request=get_request(session, ref=ref), actor=cli_actor(), note=note
        )
    _show({"ref": ref, "status": "closed"}, as_json, f"{ref} closed")


def _intake_files(files: list[Path], db: str | None) -> list[dict[str, Any]]:
    keyring, base, out = _keyring(db), _base_url(db), []
    for path in files:
        if not path.is_file():
            raise UnusableInput(f"{path}: no such file", hint="give .eml files")
        with session_scope(db) as session:
            outcome = intake_email(
                session,
                keyring=keyring,
                register=_register(session),
                data=path.read_bytes(),
                source=str(path),
                actor=cli_actor(),
                base_url=base,
            )
        out.append(
            {"file": str(path), "outcome": outcome.outcome, "ref": outcome.ref, "kinds": outcome.kinds}
        )
    return out


def _intake_imap(
    host: str, port: int, user: str, folder: str, ssl: bool, db: str | None
) -> list[dict[str, Any]]:
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise UnusableInput("no IMAP password on standard input", hint='echo "$PASSWORD" | privacydesk …')
    from privacydesk.cli._common import database

    mailbox = imap.Mailbox(host, port, user, password, folder, ssl)
    outcomes = imap.fetch_inbox(
        database(db), keyring=_keyring(db), mailbox=mailbox, actor=cli_actor(), base_url=_base_url(db)
    )
    return [
        {"file": f"imap:{folder}", "outcome": o.outcome, "ref": o.ref, "kinds": o.kinds} for o in outcomes
    ]


@requests_app.command("intake")
def intake(
    files: Annotated[
        list[Path] | None, typer.Argument(help=".eml files to take in.", show_default=False)
    ] = None,
    imap_host: Annotated[
        str | None, typer.Option("--imap-host", help="Fetch unseen mail from this server.")
    ] = None,
    imap_port: Annotated[int, typer.Option("--imap-port")] = 993,
    imap_user: Annotated[str, typer.Option("--imap-user")] = "",
    imap_folder: Annotated[str, typer.Option("--imap-folder")] = "INBOX",
    imap_ssl: Annotated[bool, typer.Option("--imap-ssl/--no-imap-ssl")] = True,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take in e-mail (.eml files, or an IMAP inbox with the password on stdin): requests become drafts."""
    if not files and not imap_host:
        raise UnusableInput("give .eml files or --imap-host", hint="privacydesk requests intake mail.eml")
    rows = _intake_files(files or [], db)
    if imap_host:
        rows += _intake_imap(imap_host, imap_port, imap_user, imap_folder, imap_ssl, db)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        what = f"draft {r['ref']} ({', '.join(r['kinds'])})" if r["outcome"] == "draft" else r["outcome"]
        console.print(f"{r['file']}: {what}", soft_wrap=True)
    drafts = sum(r["outcome"] == "draft" for r in rows)
    if drafts:
        console.print(f"{drafts} draft(s): check each with `requests show REF`, then `requests confirm REF`")


def register(app: typer.Typer) -> None:
    app.add_typer(requests_app, name="requests")
