"""Art. 5: processors that received data have an agreement; transfers outside the EEA have a mechanism."""

from __future__ import annotations

from sqlalchemy import func, select

from privacydesk.check.model import Context, Violation
from privacydesk.register.model import Recipient, RecipientRole
from privacydesk.store.models.fulfilment import ProcessorTask
from privacydesk.store.models.subjects import Record


def _received(ctx: Context, recipient: Recipient) -> dict[str, object] | None:
    """What the store holds that reaches `recipient`: records of the purposes that name it, in the
    categories it receives. None when nothing does."""
    purposes = [p.key for p in ctx.register.purposes if recipient.key in p.recipients]
    if not purposes or not recipient.receives:
        return None
    records = ctx.session.execute(
        select(func.count()).where(Record.purpose.in_(purposes), Record.category.in_(recipient.receives))
    ).scalar_one()
    tasks = ctx.session.execute(
        select(func.count()).where(ProcessorTask.recipient_key == recipient.key)
    ).scalar_one()
    if not records and not tasks:
        return None
    return {"recipient": recipient.key, "purposes": purposes, "categories": list(recipient.receives),
            "records": records, "processor_tasks": tasks}  # fmt: skip


def processors_without_agreement(ctx: Context) -> list[Violation]:
    out = []
    for recipient in ctx.register.recipients:
        if recipient.role != RecipientRole.PROCESSOR or recipient.dpa is not None:
            continue
        received = _received(ctx, recipient)
        if received is not None:
            out.append(
                Violation(
                    f"processor '{recipient.name}' receives personal data "
                    "without a data-processing agreement",
                    received,
                    f"conclude a DPA with {recipient.name} (art. 28(3)) and record it under dpa: "
                    "in the register, "
                    "or stop sending it data",
                )
            )
    return out


def undated_agreements(ctx: Context) -> str | None:
    undated = [r.key for r in ctx.register.recipients if r.dpa is not None and r.dpa.signed_on is None]
    if not undated:
        return None
    return (
        f"{len(undated)} agreement(s) are recorded without a date ({', '.join(undated)}): the promise holds "
        "(an agreement exists), but add signed_on so it can be shown when (register warning R16)"
    )


def transfers_without_mechanism(ctx: Context) -> list[Violation]:
    out = []
    for recipient in ctx.register.recipients:
        if not recipient.outside_eea or recipient.transfer_mechanism is not None:
            continue
        received = _received(ctx, recipient)
        if received is not None:
            out.append(
                Violation(
                    f"'{recipient.name}' receives data in {', '.join(recipient.outside_eea)} "
                    "(outside the EEA) "
                    "without a transfer mechanism",
                    {**received, "countries": recipient.outside_eea},
                    "record the mechanism (adequacy, eu_us_dpf, scc, bcr) in the register, "
                    "or use a provider in the EEA",
                )
            )
    return out
