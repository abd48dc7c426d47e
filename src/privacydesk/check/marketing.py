"""Art. 2: marketing goes only to people who consented or fall under the customer exception, never
to anyone who objected or is on the suppression list.

What is judged is the marketing e-mail kept in the correspondence (outgoing messages stored for a
direct-marketing purpose). A newsletter export itself is built from valid grounds only and the
audit log keeps its counts, not its addresses, so there is nothing more in it to compare.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from privacydesk.check.model import Context, Violation
from privacydesk.consent import ledger, newsletter, suppression
from privacydesk.consent.keys import bind_settings
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.subjects import Message, Record, Subject


def _ground_at(ctx: Context, subject: Subject, purpose: str, at: datetime) -> ConsentEvent | None:
    """The consent event in force for `purpose` when the message was sent, if it was a valid one."""
    event = ctx.session.execute(
        select(ConsentEvent)
        .where(
            ConsentEvent.subject_id == str(subject.id), ConsentEvent.purpose == purpose, ConsentEvent.at <= at
        )
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if event is None or ledger.effective_state(event, at) is not ledger.ConsentState.GIVEN:
        return None
    return event


def _suppressed(ctx: Context, subject: Subject) -> bool:
    if ctx.settings is None:
        return False
    bind_settings(ctx.session, ctx.settings)
    emails = newsletter.emails_of(ctx.session, subject=subject)
    digests = [suppression.email_hash(ctx.session, email=e) for e in emails]
    return bool(suppression.suppressed_hashes(ctx.session, digests=digests))


def _problems(ctx: Context, subject: Subject, purpose: str, at: datetime) -> list[str]:
    problems = []
    if _ground_at(ctx, subject, purpose, at) is None:
        problems.append("no consent and no customer exception when it was sent")
    if subject.objected_marketing:
        problems.append("the person objected to direct marketing")
    if _suppressed(ctx, subject):
        problems.append("the address is on the suppression list")
    return problems


def marketing_without_ground(ctx: Context) -> list[Violation]:
    purposes = [p.key for p in ctx.register.purposes if p.direct_marketing]
    if not purposes:
        return []
    rows = ctx.session.execute(
        select(Record.purpose, Message, Subject)
        .join(Message, Message.id == Record.message_id)
        .join(Subject, Subject.id == Record.subject_id)
        .where(Record.purpose.in_(purposes), Message.direction == "out")
        .order_by(Message.id)
    ).all()
    out = []
    for purpose, message, subject in rows:
        problems = _problems(ctx, subject, purpose, message.sent_at or message.created_at)
        if problems:
            evidence = {"message_id": message.id, "subject_ref": subject.ref,
                        "subject_type": subject.subject_type, "purpose": purpose, "channel": message.channel,
                        "sent_on": (message.sent_at or message.created_at).date().isoformat()}  # fmt: skip
            out.append(
                Violation(
                    f"marketing ({purpose}) was sent to a person with " + "; ".join(problems),
                    evidence,
                    "stop mailing outside `privacydesk newsletter export`; apologise, and put the address on "
                    "the suppression list if they object",
                )
            )
    return out
