"""`privacydesk breach …`: the data-breach register, with the 72-hour clock and the AP's form answers."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from privacydesk.breaches.service import (
    assessment,
    close_breach,
    get_breach,
    list_breaches,
    mark_notified,
    record_breach,
)
from privacydesk.breaches.texts import ap_form, people_letter
from privacydesk.cli._common import DbOpt, JsonOpt, cli_actor, console, print_json, session_scope
from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.base import utcnow
from privacydesk.store.models.breaches import Breach

breach_app = typer.Typer(
    help="The data-breach register (GDPR art. 33(5)): every breach, notified or not.", no_args_is_help=True
)


def _moment(value: str | None, option: str) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UnusableInput(
            f"{option} '{value}' is not a date and time",
            hint="use YYYY-MM-DD HH:MM (UTC) or an ISO 8601 timestamp",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Summary:
    """A breach at a glance, with its 72-hour clock."""

    ref: str
    aware_at: datetime
    nature: list[str]
    people: int
    records: int
    notify_ap: bool
    notify_people: bool
    ap_deadline: datetime
    hours_left: float
    ap_notified_at: datetime | None
    people_notified_at: datetime | None
    closed: bool


def _summary(register: Register, breach: Breach) -> tuple[Summary, list[str]]:
    advice = assessment(register, breach)
    left = (advice.deadline - utcnow()).total_seconds() / 3600
    summary = Summary(
        breach.ref,
        breach.aware_at,
        breach.nature,
        breach.people_count,
        breach.records_count,
        advice.notify_ap,
        advice.notify_people,
        advice.deadline,
        round(left, 1),
        breach.ap_notified_at,
        breach.people_notified_at,
        breach.closed_at is not None,
    )
    return summary, advice.reasons


@breach_app.command("new")
def new(
    description: Annotated[str, typer.Option("--description", help="What happened, in a few sentences.")],
    nature: Annotated[list[str], typer.Option("--nature", help="confidentiality | integrity | availability")],
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Register category affected.")
    ] = None,
    subject: Annotated[list[str] | None, typer.Option("--subject", help="Ref of a person affected.")] = None,
    people: Annotated[
        int | None, typer.Option("--people", min=0, help="Approximate people, if not known.")
    ] = None,
    detected: Annotated[
        str | None, typer.Option("--detected", help="When it happened or was found (UTC).")
    ] = None,
    aware: Annotated[
        str | None, typer.Option("--aware", help="When the business became aware (UTC).")
    ] = None,
    encrypted: Annotated[
        bool, typer.Option("--encrypted", help="The data was encrypted; the key is safe.")
    ] = False,
    consequences: Annotated[str, typer.Option("--consequences", help="Likely consequences.")] = "",
    measures: Annotated[str, typer.Option("--measures", help="Measures taken or planned.")] = "",
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Enter a breach; says whether the AP and the people must be told, and by when."""
    aware_at = _moment(aware, "--aware")  # detection defaults to the moment of awareness
    with session_scope(db) as session:
        _, register = current_register(session)
        breach = record_breach(
            session,
            register=register,
            detected_at=_moment(detected, "--detected") if detected else aware_at,
            aware_at=aware_at,
            nature=nature,
            description=description,
            categories=category or [],
            subject_refs=subject or [],
            people=people,
            encrypted=encrypted,
            consequences=consequences,
            measures=measures,
            actor=cli_actor(),
        )
        summary, reasons = _summary(register, breach)
    if as_json:
        print_json({**asdict(summary), "reasons": reasons})
        return
    console.print(
        f"breach [bold]{summary.ref}[/bold] recorded: {summary.people} people, {summary.records} records"
    )
    for reason in reasons:
        console.print(f"  · {reason}")
    if summary.notify_ap:
        console.print(
            f"[red]Notify the Autoriteit Persoonsgegevens before {summary.ap_deadline:%d-%m-%Y %H:%M} "
            f"UTC[/red] ({summary.hours_left} hours left): `privacydesk breach show {summary.ref} --ap-form`"
        )
    if summary.notify_people:
        console.print(
            f"[red]Tell the people affected[/red]: `privacydesk breach show {summary.ref} --letter nl`"
        )


@breach_app.command("list")
def list_(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Every breach, newest first, with its 72-hour clock."""
    with session_scope(db, readonly=True) as session:
        _, register = current_register(session)
        rows = [_summary(register, b)[0] for b in list_breaches(session)]
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table("ref", "aware", "nature", "people", "AP", "people told", "closed")
    for r in rows:
        ap = "notified" if r.ap_notified_at else (f"{r.hours_left} h left" if r.notify_ap else "not needed")
        told = "yes" if r.people_notified_at else ("to do" if r.notify_people else "not needed")
        table.add_row(
            r.ref,
            f"{r.aware_at:%Y-%m-%d %H:%M}",
            ", ".join(r.nature),
            str(r.people),
            ap,
            told,
            "yes" if r.closed else "",
        )
    console.print(table if rows else "no breaches recorded")


@breach_app.command("show")
def show(
    ref: str,
    form: Annotated[
        bool, typer.Option("--ap-form", help="The answers for the AP's notification form.")
    ] = False,
    letter: Annotated[str | None, typer.Option("--letter", help="The letter to the people: nl | en.")] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One breach: the assessment, the AP form's answers, or the letter to the people."""
    if letter not in (None, "nl", "en"):
        raise UnusableInput(f"unknown language '{letter}'", hint="use --letter nl or --letter en")
    with session_scope(db, readonly=True) as session:
        _, register = current_register(session)
        breach = get_breach(session, ref=ref)
        summary, reasons = _summary(register, breach)
        answers = ap_form(register, breach, assessment(register, breach))
        text = people_letter(register, breach, letter) if letter else None
    if as_json:
        print_json({**asdict(summary), "reasons": reasons, "ap_form": dict(answers), "letter": text})
    elif text is not None:
        sys.stdout.write(text)  # as is, for copying: no wrapping, no markup
    elif form:
        for question, answer in answers:
            console.print(f"[bold]{question}[/bold]\n{answer}\n", soft_wrap=True)
    else:
        for key, value in asdict(summary).items():
            console.print(f"{key}: {value}")
        for reason in reasons:
            console.print(f"  · {reason}")


@breach_app.command("notify")
def notify(
    ref: str,
    ap: Annotated[bool, typer.Option("--ap", help="The AP was notified (through its form).")] = False,
    people: Annotated[bool, typer.Option("--people", help="The people affected were told.")] = False,
    reference: Annotated[str | None, typer.Option("--reference", help="The AP's reference number.")] = None,
    db: DbOpt = None,
) -> None:
    """Record that the AP or the people were notified."""
    if ap == people:
        raise UnusableInput("say who was notified", hint="use --ap or --people")
    with session_scope(db) as session:
        mark_notified(session, ref=ref, whom="ap" if ap else "people", reference=reference, actor=cli_actor())
    console.print("recorded")


@breach_app.command("close")
def close(ref: str, db: DbOpt = None) -> None:
    """Close a breach once it is handled."""
    with session_scope(db) as session:
        close_breach(session, ref=ref, actor=cli_actor())
    console.print("closed")


def register(app: typer.Typer) -> None:
    app.add_typer(breach_app, name="breach")
