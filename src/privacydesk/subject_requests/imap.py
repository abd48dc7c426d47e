"""Fetch requests from an IMAP inbox: every unseen message is taken in (see mailintake.py).

Each message is committed on its own and only then flagged \\Seen, so a crash never loses one; a
message taken in twice is recognised by its Message-ID. A message that cannot be read stays unseen
and is reported each time.
"""

from __future__ import annotations

import ssl as ssl_lib
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from privacydesk.errors import PrivacydeskError, UnusableInput
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.db import Database
from privacydesk.subject_requests.mailintake import MailOutcome, intake_email

SEEN = b"\\Seen"


@dataclass(frozen=True)
class Mailbox:
    """Where to fetch from; the password is never logged."""

    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True


def _take_in(
    db: Database, keyring: Keyring, raw: bytes, source: str, actor: str, base_url: str
) -> MailOutcome:
    try:
        with db.session_scope() as session:
            _, register = current_register(session)
            return intake_email(
                session,
                keyring=keyring,
                register=register,
                data=raw,
                source=source,
                actor=actor,
                base_url=base_url,
            )
    except PrivacydeskError:
        return MailOutcome("unreadable", None, [])


def fetch_inbox(
    db: Database, *, keyring: Keyring, mailbox: Mailbox, actor: str, base_url: str
) -> list[MailOutcome]:
    """Take in every unseen message of `mailbox`; returns one outcome per message."""
    context = ssl_lib.create_default_context() if mailbox.ssl else None
    try:
        with IMAPClient(
            mailbox.host, port=mailbox.port, ssl=mailbox.ssl, ssl_context=context, timeout=30
        ) as client:
            client.login(mailbox.user, mailbox.password)
            client.select_folder(mailbox.folder)
            outcomes = []
            for uid, data in client.fetch(client.search(["UNSEEN"]), [b"BODY.PEEK[]"]).items():
                outcome = _take_in(
                    db, keyring, bytes(data[b"BODY[]"]), f"{mailbox.folder} message {uid}", actor, base_url
                )
                if outcome.outcome != "unreadable":
                    client.add_flags([uid], [SEEN])
                outcomes.append(outcome)
            return outcomes
    except LoginError:
        raise UnusableInput(
            "the IMAP server refused the login", hint="check --imap-user and the password"
        ) from None
    except (IMAPClientError, OSError) as exc:
        raise UnusableInput(
            f"cannot read the IMAP inbox: {type(exc).__name__}",
            hint="check --imap-host, --imap-port and --imap-ssl",
        ) from None
