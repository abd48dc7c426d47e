"""Import a WhatsApp chat export (.txt, as the app writes it on Android and iOS, Dutch and English).

    Android NL  12-03-2024 14:05 - Jan Jansen: Hoi
    Android EN  3/12/24, 2:05 PM - Jan Jansen: Hi          (or 12/03/2024, 14:05 - …)
    iOS NL      [12-03-2024 14:05:33] Jan Jansen: Hoi
    iOS EN      [12/03/2024, 14:05:33] Jan Jansen: Hi

Lines that do not start with a date continue the message before. Each chat message is stored as a
message (channel 'whatsapp') linked to the known subjects it is about: the chat partner (`--phone`),
a sender shown by phone number or by a name exactly one subject has, and any e-mail, phone or IBAN
in the text. Whether dates are day-first or month-first is decided for the whole file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from privacydesk.errors import UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise_name, normalise_phone
from privacydesk.imports.batch import Summary, file_digest
from privacydesk.imports.mail import Mail, import_mails
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring

_LINE = re.compile(
    r"^[\u200e\u200f]?\[?(?P<date>\d{1,2}([-/.])\d{1,2}\2\d{2,4}),? "
    r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)(?:[\s\u202f]?(?P<ampm>[AaPp])\.?[Mm]\.?)?"
    r"\]?(?: -|:)? (?P<rest>.*)$"
)
_MEDIA = re.compile(r"^<(?:Media weggelaten|Media omitted|bijlage: (?P<nl>.+)|attached: (?P<en>.+))>$")
_PHONE_NAME = re.compile(r"^\+?[\d\s\-()]{8,20}$")


@dataclass
class ChatLine:
    line: int
    day: str
    time: str
    ampm: str | None
    sender: str | None  # None: a system message ("messages are end-to-end encrypted")
    text: str


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of the export, refusing binary and non-UTF-8 files with the line number."""
    with path.open("rb") as fh:
        if b"\x00" in fh.read(8192):
            raise UnusableInput(f"{path}: a binary file, not a WhatsApp chat export")
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                raise UnusableInput(
                    f"{path}:{number}: not UTF-8 text", hint="export the chat again from WhatsApp"
                ) from None


def chat_lines(path: Path) -> list[ChatLine]:
    """The messages of the export, continuation lines joined to the message they belong to."""
    out: list[ChatLine] = []
    for number, text in read_lines(path):
        m = _LINE.match(text)
        if m is None:
            if not out:
                raise UnusableInput(f"{path}:{number}: not a WhatsApp chat export (no date at the start)")
            out[-1].text += "\n" + text
            continue
        sender, sep, body = m.group("rest").partition(": ")
        out.append(
            ChatLine(
                number,
                m.group("date"),
                m.group("time"),
                m.group("ampm"),
                sender.strip("\u200e ") if sep else None,
                body if sep else m.group("rest"),
            )
        )
    return out


def day_first(lines: list[ChatLine]) -> bool:
    """Whether the file writes dates day-first: a first field over 12 says yes, a second says no;
    otherwise 12-hour clocks with / mean the US order, everything else day-first."""
    fields = [re.split(r"[-/.]", c.day) for c in lines]
    if any(int(f[0]) > 12 for f in fields):
        return True
    if any(int(f[1]) > 12 for f in fields):
        return False
    return not any(c.ampm and "/" in c.day for c in lines)


def timestamp(chat: ChatLine, first: bool, where: str) -> datetime:
    a, b, year = (int(x) for x in re.split(r"[-/.]", chat.day))
    day, month = (a, b) if first else (b, a)
    parts = [int(x) for x in re.split(r"[:.]", chat.time)]
    hour = parts[0] % 12 + (12 if chat.ampm and chat.ampm.lower() == "p" else 0) if chat.ampm else parts[0]
    try:
        # The export holds local time without a zone; it is kept as if UTC, to the minute it says.
        return datetime(
            year + 2000 if year < 100 else year,
            month,
            day,
            hour,
            parts[1],
            parts[2] if len(parts) > 2 else 0,
            tzinfo=UTC,
        )
    except ValueError:
        raise UnusableInput(f"{where}: '{chat.day} {chat.time}' is not a date and time") from None


def _parties(sender: str, partner: str | None) -> list[tuple[str, str, str]]:
    parties = [("phone", partner, "recipient")] if partner else []
    try:
        if _PHONE_NAME.match(sender):
            parties.append(("phone", normalise_phone(sender), "sender"))
        else:
            parties.append(("name", normalise_name(sender), "sender"))
    except InvalidIdentifier:
        pass
    return parties


def _attachments(text: str) -> list[dict[str, object]]:
    m = _MEDIA.match(text.strip())
    if m is None:
        return []
    return [{"name": m.group("nl") or m.group("en") or "(media left out of the export)", "size": 0}]


def whatsapp_mails(path: Path, partner: str | None) -> Iterator[tuple[str, Mail]]:
    """(where, message) for every chat message with a sender; system messages are left out."""
    lines = chat_lines(path)
    first = day_first(lines)
    for chat in lines:
        if chat.sender is None:
            continue
        where = f"{path}:{chat.line}"
        sent = timestamp(chat, first, where)
        identity = hashlib.sha256(f"{partner}\x00{sent.isoformat()}\x00{chat.sender}\x00{chat.text}".encode())
        yield (
            where,
            Mail(
                identity="wa:" + identity.hexdigest(),
                sent_at=sent,
                sender="",
                recipients=[],
                subject="",
                body=chat.text,
                attachments=_attachments(chat.text),
                parties=_parties(chat.sender, partner),
            ),
        )


def import_whatsapp(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    path: Path,
    partner_phone: str | None,
    actor: str,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Import one chat export in the caller's transaction (whole or not at all)."""
    partner = None
    if partner_phone:
        try:
            partner = normalise_phone(partner_phone)
        except InvalidIdentifier:
            raise UnusableInput(
                "--phone: not a valid phone number", hint="e.g. --phone '+31 6 12345678'"
            ) from None
    digest = file_digest(path)
    return import_mails(
        session,
        keyring=keyring,
        register=register,
        name=path,
        digest=digest,
        mails=whatsapp_mails(path, partner),
        actor=actor,
        today=today,
        channel="whatsapp",
        progress=progress,
    )
