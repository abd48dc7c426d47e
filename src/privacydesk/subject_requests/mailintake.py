"""Requests that arrive by e-mail: an .eml file or a message in an IMAP inbox.

A message is recognised as a request by Dutch and English wording ('inzage', 'verwijder mijn
gegevens', 'access request', 'unsubscribe', …) and opened as a *draft*: staff confirm it (and
correct the kinds) before the clock's letters go out — the legal clock still counts from the day
the message arrived. A message is taken in once: its Message-ID (keyed hash) is remembered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.subject_requests.domain import Channel, RequestKind
from privacydesk.subject_requests.intake import Intake, open_request

MAX_EML_BYTES = 25 * 1024 * 1024
#: Words that name each right, in Dutch and English; matched case-insensitively as whole words.
WORDING: dict[RequestKind, tuple[str, ...]] = {
    RequestKind.ACCESS: (
        "inzage",
        "inzageverzoek",
        "inzien",
        "welke gegevens",
        "welke persoonsgegevens",
        "artikel 15",
        "access request",
        "subject access",
        "right of access",
        "copy of my data",
        "copy of my personal data",
        "what data",
        "what personal data",
        "article 15",
        "dsar",
    ),
    RequestKind.ERASURE: (
        "verwijder mijn gegevens",
        "verwijder al mijn gegevens",
        "verwijderen van mijn gegevens",
        "wis mijn gegevens",
        "gegevens verwijderen",
        "gegevens wissen",
        "gegevens laten verwijderen",
        "recht op vergetelheid",
        "vergeten worden",
        "artikel 17",
        "delete my data",
        "delete my personal data",
        "erase my data",
        "erasure",
        "right to be forgotten",
        "remove my data",
        "delete my account",
        "article 17",
    ),
    RequestKind.RECTIFICATION: (
        "corrigeer",
        "correctie",
        "rectificatie",
        "klopt niet",
        "onjuist",
        "wijzig mijn gegevens",
        "artikel 16",
        "rectification",
        "correct my",
        "is incorrect",
        "is wrong",
        "update my details",
        "article 16",
    ),
    RequestKind.RESTRICTION: ("beperking", "beperk", "artikel 18", "restrict", "restriction", "article 18"),
    RequestKind.PORTABILITY: (
        "overdraagbaarheid",
        "dataportabiliteit",
        "gegevens overdragen",
        "artikel 20",
        "data portability",
        "portability",
        "export my data",
        "transfer my data",
        "article 20",
    ),
    RequestKind.OBJECTION: (
        "bezwaar",
        "artikel 21",
        "object to",
        "objection",
        "article 21",
        "stop using my data",
    ),
    RequestKind.CONSENT_WITHDRAWAL: (
        "trek mijn toestemming in",
        "toestemming intrekken",
        "intrekken van mijn toestemming",
        "afmelden",
        "uitschrijven",
        "geen nieuwsbrief meer",
        "withdraw my consent",
        "withdraw consent",
        "unsubscribe",
        "opt out",
        "opt-out",
    ),
}
_PATTERNS = {
    kind: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    for kind, words in WORDING.items()
}
_DUTCH = re.compile(r"\b(ik|mijn|graag|gegevens|verzoek|bedankt|groet|hallo|beste)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedMail:
    sender: str
    sender_name: str
    subject: str
    body: str
    message_id: str
    sent_at: datetime | None


@dataclass(frozen=True)
class MailOutcome:
    """What became of one message: a new draft, a message seen before, or not a request."""

    outcome: str  # "draft" | "duplicate" | "not_a_request"
    ref: str | None
    kinds: list[str]


def recognise(subject: str, body: str) -> list[RequestKind]:
    """The rights a message asks for, in the order of RequestKind."""
    text = f"{subject}\n{body}"
    return [kind for kind, pattern in _PATTERNS.items() if pattern.search(text)]


def language_of(text: str) -> str:
    return "nl" if len(_DUTCH.findall(text)) >= 2 else "en"


def _plain_body(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    text = content if isinstance(content, str) else ""
    if part.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    # Quoted earlier mails ("> …", "Op … schreef …") are not the request.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def parse_eml(data: bytes, *, source: str) -> ParsedMail:
    """Read an RFC 5322 message; refuses something that is not one, naming `source`."""
    if len(data) > MAX_EML_BYTES:
        raise UnusableInput(f"{source}: the message is larger than {MAX_EML_BYTES // 2**20} MB")
    mail = message_from_bytes(data, policy=policy.default)
    name, address = parseaddr(str(mail.get("From", "")))
    if not isinstance(mail, EmailMessage) or "@" not in address:
        raise UnusableInput(
            f"{source}: not an e-mail message (no From: address)",
            hint="give a .eml file as saved by a mail program",
        )
    try:
        sent_at = parsedate_to_datetime(str(mail["Date"])) if mail["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = None
    return ParsedMail(
        address,
        name,
        str(mail.get("Subject", "")),
        _plain_body(mail),
        str(mail.get("Message-ID", "")).strip(),
        sent_at,
    )


def _fingerprint(keyring: Keyring, mail: ParsedMail) -> str:
    basis = mail.message_id or f"{mail.sender}\x00{mail.subject}\x00{mail.body}"
    return keyring.keyed_hash("mail-intake", basis)


def intake_email(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    data: bytes,
    source: str,
    actor: str,
    base_url: str,
) -> MailOutcome:
    """Open a draft request for a message that asks for a right; the same message twice opens one."""
    mail = parse_eml(data, source=source)
    fingerprint = _fingerprint(keyring, mail)
    seen = session.execute(
        select(SubjectRequest.ref, SubjectRequest.kinds).where(
            SubjectRequest.source_fingerprint == fingerprint
        )
    ).first()
    if seen is not None:
        return MailOutcome("duplicate", seen.ref, list(seen.kinds))
    kinds = recognise(mail.subject, mail.body)
    if not kinds:
        return MailOutcome("not_a_request", None, [])
    now = utcnow()
    received = mail.sent_at if mail.sent_at is not None and mail.sent_at <= now else now
    intake = Intake(
        kinds=[k.value for k in kinds],
        channel=Channel.EMAIL,
        email=mail.sender,
        name=mail.sender_name or None,
        message=f"{mail.subject}\n\n{mail.body}".strip(),
        lang=language_of(mail.body),
        fingerprint=fingerprint,
    )
    request = open_request(
        session,
        keyring=keyring,
        register=register,
        intake=intake,
        actor=actor,
        base_url=base_url,
        received_at=received,
        draft=True,
    )
    return MailOutcome("draft", request.ref, list(request.kinds))
