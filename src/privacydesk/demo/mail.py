"""A demo mailbox: customers writing to Ocqto Support and its answers, written as a real mbox file
and brought in through `import mail` — so messages link to their senders and to people whose phone
numbers appear in a body. (The message with a BSN in it is planted by demo/findings.py.)"""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from privacydesk.demo import DemoContext
from privacydesk.imports.mail import import_mail
from privacydesk.store.crypto import Keyring

ORDER = 20
SUBJECTS = (
    (
        "Vraag over mijn factuur",
        "Goedemiddag,\n\nIk heb een vraag over de laatste factuur. Kunt u mij bellen?\n",
    ),
    ("Planning volgende week", "Hallo,\n\nKunnen we de administratie volgende week dinsdag doornemen?\n"),
    ("Question about the quarterly report", "Hello,\n\nCould you send me the quarterly overview?\n"),
    ("Nieuwe klant voor mij bellen", "Hoi,\n\nWil je {other} bellen op {phone}? Het gaat om een offerte.\n"),
)


def message(sender: str, to: str, subject: str, body: str, when: datetime, n: int) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = f"<demo-{n}@ocqto.example>"
    mail.set_content(body)
    return mail


def _write_mbox(ctx: DemoContext, path: str) -> int:
    people = ctx.shared.get("customer_contacts", [])
    box = mailbox.mbox(path, create=True)
    office = ctx.register.controller.email
    n = 0
    for i, (name, email, _) in enumerate(people[:24]):
        when = datetime.combine(ctx.today - timedelta(days=ctx.rng.randrange(3, 500)), time(10), tzinfo=UTC)
        subject, body = SUBJECTS[i % len(SUBJECTS)]
        other = people[(i + 7) % len(people)]
        body = body.format(other=other[0], phone=other[2])
        box.add(message(f"{name} <{email}>", office, subject, body, when, n := n + 1))
        reply = "Dank je wel, we nemen contact op.\n"
        box.add(message(office, email, f"Re: {subject}", reply, when + timedelta(hours=3), n := n + 1))
    box.flush()
    box.close()
    return n


def seed(ctx: DemoContext) -> None:
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = ctx.settings.data_dir / "demo-mailbox.mbox"
    count = _write_mbox(ctx, str(path))
    summary = import_mail(
        ctx.session,
        keyring=Keyring.from_settings(ctx.settings),
        register=ctx.register,
        path=path,
        actor=ctx.actor,
        today=ctx.today,
    )
    ctx.notes.append(f"demo mailbox: {count} messages imported from {path.name} ({summary.records} links)")
