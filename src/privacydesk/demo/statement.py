"""Demo: publish the privacy statement of the demo register, so /privacy shows version 1."""

from __future__ import annotations

from privacydesk.demo import DemoContext
from privacydesk.statement.versions import publish_statement

# Before people and consents: they are given against the statement's consent revision.
ORDER = 5


def seed(ctx: DemoContext) -> None:
    result = publish_statement(ctx.session, effective_date=ctx.register.effective_date, actor=ctx.actor)
    ctx.shared["statement_version"] = result.statement.number
    ctx.notes.append(
        f"privacy statement version {result.statement.number} published "
        "(portal: /privacy, /privacy?lang=en, /privacy/versions)"
    )
