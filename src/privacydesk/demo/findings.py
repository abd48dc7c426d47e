"""A planted problem for the demo: a customer e-mailed their BSN, which Ocqto may not keep
(UAVG art. 46). `import mail` turns it into a finding to resolve on the Today page, and
`privacydesk check` reports the broken promise until it is resolved."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, time, timedelta

from privacydesk.demo import DemoContext
from privacydesk.demo.mail import message
from privacydesk.imports.mail import import_mail
from privacydesk.store.crypto import Keyring

ORDER = 21


def seed(ctx: DemoContext) -> None:
    people = ctx.shared.get("customer_contacts", [])
    if len(people) < 6:
        return
    name, email, _ = people[5]
    path = ctx.settings.data_dir / "demo-bsn-mail.mbox"
    box = mailbox.mbox(str(path), create=True)
    box.add(
        message(
            f"{name} <{email}>",
            ctx.register.controller.email,
            "Gegevens voor de belastingaangifte",
            "Hierbij mijn gegevens voor de aangifte. BSN: 111222333. Groet!\n",
            datetime.combine(ctx.today - timedelta(days=2), time(9), tzinfo=UTC),
            9001,
        )
    )
    box.flush()
    box.close()
    import_mail(
        ctx.session,
        keyring=Keyring.from_settings(ctx.settings),
        register=ctx.register,
        path=path,
        actor=ctx.actor,
        today=ctx.today,
    )
    ctx.notes.append("demo finding: a customer e-mailed a BSN; resolve it on the Today page")
