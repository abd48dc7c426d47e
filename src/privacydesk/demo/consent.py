"""Demo consents (fixed seed): banner decisions of website visitors, newsletter subscribers with a
confirmed double opt-in, customers under the existing-customer exception, one unsubscribe and one
suppressed address."""

from __future__ import annotations

import time
from datetime import timedelta

from privacydesk.consent import banner, newsletter, suppression
from privacydesk.consent.batch import write_banner_rows
from privacydesk.consent.keys import bind_settings
from privacydesk.demo import DemoContext
from privacydesk.store.base import utcnow

ORDER = 20
VISITORS = 240
SUBSCRIBERS = ("lotte.visser", "daan.bakker", "emma.smit", "noah.meijer", "sara.mulder", "finn.bos")


def _visitors(ctx: DemoContext) -> int:
    """Banner decisions over the last months: most accept, a third reject, some with GPC."""
    bctx = banner.banner_context(ctx.session, settings=ctx.settings)
    rows = []
    for _ in range(VISITORS):
        roll = ctx.rng.random()
        method = "gpc" if roll < 0.08 else ("reject_all" if roll < 0.40 else "accept_all")
        decision = banner.Decision(
            visitor=f"{ctx.rng.getrandbits(128):032x}",
            lang="en" if ctx.rng.random() < 0.15 else "nl",
            method=method,
            choices={k: method == "accept_all" for k in bctx.consentable},
            previous=set(),
        )
        at = utcnow() - timedelta(days=ctx.rng.randint(0, 120), minutes=ctx.rng.randint(0, 1440))
        rows += banner.ledger_rows(decision, bctx, at=at, ip_prefix=None, gpc_header=method == "gpc")
    write_banner_rows(ctx.session, rows=rows, posts=VISITORS, actor=ctx.actor)
    return VISITORS


def _subscribers(ctx: DemoContext) -> list[int]:
    ids = []
    for name in SUBSCRIBERS:
        token = newsletter.seal(ctx.settings, {"e": f"{name}@example.nl", "l": "nl", "t": time.time()})
        ids.append(newsletter.confirm_subscription(ctx.session, token=token, actor=ctx.actor).subject_id)
    return ids


def seed(ctx: DemoContext) -> None:
    bind_settings(ctx.session, ctx.settings)
    visitors = _visitors(ctx)
    subscribers = _subscribers(ctx)
    customers = list(ctx.shared.get("customers", []))[:5]
    for customer in customers:
        newsletter.note_customer_exception(
            ctx.session, subject_id=customer, opt_out_offered=True, actor=ctx.actor
        )
    token = newsletter.unsubscribe_token(ctx.settings, subject_id=subscribers[-1])
    newsletter.unsubscribe(ctx.session, token=token, method="one_click", actor="web:unsubscribe")
    suppression.suppress(ctx.session, email="bounced@example.nl", reason="bounce", actor=ctx.actor)
    ctx.notes.append(
        f"consent: {visitors} banner decisions, {len(subscribers)} newsletter subscribers (1 unsubscribed), "
        f"{len(customers)} customers under the existing-customer exception; "
        "try `privacydesk newsletter export` and `privacydesk consent report`"
    )
