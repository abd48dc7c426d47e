"""Demo requests: a queue that shows every state — one overdue, one nearly due, one extended,
one waiting for the code, one verified, an e-mail draft to confirm, and a closed refusal."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage

from privacydesk.demo import DemoContext
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.store.models.subjects import Subject
from privacydesk.subject_requests import identity, lifecycle
from privacydesk.subject_requests.domain import Channel
from privacydesk.subject_requests.intake import Intake, open_request
from privacydesk.subject_requests.mailintake import intake_email

ORDER = 40


def _received(ctx: DemoContext, days_ago: int) -> datetime:
    return datetime.combine(ctx.today - timedelta(days=days_ago), time(10, 30), tzinfo=UTC)


def _open(
    ctx: DemoContext,
    keyring: Keyring,
    subject: Subject,
    kinds: list[str],
    days_ago: int,
    channel: Channel = Channel.PORTAL,
) -> SubjectRequest:
    email = identity.stored_emails(ctx.session, keyring=keyring, subject=subject)[0]
    request = open_request(
        ctx.session,
        keyring=keyring,
        register=ctx.register,
        actor="anonymous",
        base_url=ctx.settings.base_url,
        received_at=_received(ctx, days_ago),
        intake=Intake(kinds=kinds, channel=channel, email=email),
    )
    identity.start_identity_check(
        ctx.session,
        keyring=keyring,
        register=ctx.register,
        request=request,
        actor="anonymous",
        base_url=ctx.settings.base_url,
    )
    return request


def _verify(ctx: DemoContext, keyring: Keyring, request: SubjectRequest) -> None:
    identity.confirm_identity(
        ctx.session,
        keyring=keyring,
        request=request,
        note="Gebeld op het nummer dat wij hebben; klopt.",
        actor=ctx.actor,
    )


def _email_draft(ctx: DemoContext, keyring: Keyring, subject: Subject) -> None:
    mail = EmailMessage()
    mail["From"] = identity.stored_emails(ctx.session, keyring=keyring, subject=subject)[0]
    mail["To"], mail["Subject"] = ctx.register.rights.request_email, "Verzoek"
    mail["Message-ID"] = f"<demo-{subject.ref[:8]}@example.nl>"
    mail.set_content(
        "Beste,\n\nWilt u alstublieft al mijn gegevens verwijderen? Ik ben geen klant meer.\n\nGroet"
    )
    outcome = intake_email(
        ctx.session,
        keyring=keyring,
        register=ctx.register,
        data=bytes(mail),
        source="demo mail",
        actor=ctx.actor,
        base_url=ctx.settings.base_url,
    )
    if outcome.outcome != "draft":
        ctx.notes.append("demo requests: the demo mail was not recognised as a request")


def seed(ctx: DemoContext) -> None:
    keyring = Keyring.from_settings(ctx.settings)
    ids = list(ctx.shared.get("customers", []))
    customers = [s for s in (ctx.session.get(Subject, i) for i in ids[2:8]) if s is not None]
    if len(customers) < 6:
        ctx.notes.append("demo requests: skipped (no demo customers)")
        return
    _open(ctx, keyring, customers[0], ["access"], days_ago=34)  # overdue: the code was never used
    nearly = _open(ctx, keyring, customers[1], ["access", "erasure"], days_ago=24)
    _verify(ctx, keyring, nearly)
    lifecycle.extend_request(
        ctx.session,
        keyring=keyring,
        register=ctx.register,
        request=nearly,
        months=1,
        reason="Je gegevens staan ook bij twee verwerkers; die vragen we eerst.",
        today=ctx.today,
        actor=ctx.actor,
    )
    _open(ctx, keyring, customers[2], ["portability"], days_ago=1)
    _verify(
        ctx, keyring, _open(ctx, keyring, customers[3], ["objection"], days_ago=23, channel=Channel.STAFF)
    )
    _email_draft(ctx, keyring, customers[4])
    refused = _open(ctx, keyring, customers[5], ["erasure"], days_ago=60)
    _verify(ctx, keyring, refused)
    lifecycle.refuse_request(
        ctx.session,
        keyring=keyring,
        register=ctx.register,
        request=refused,
        reason="Je facturen moeten wij 7 jaar bewaren (AWR art. 52).",
        actor=ctx.actor,
    )
    lifecycle.close_request(ctx.session, keyring=keyring, request=refused, actor=ctx.actor)
    ctx.notes.append("demo requests: 6 (overdue, nearly due, extended, an e-mail draft to confirm, closed)")
