"""Import mail: mbox files (streamed), .eml files and directories, Outlook .msg, an IMAP folder.

Each message about a known subject is stored once (sealed) and linked to every known subject it is
about: its sender, its recipients, and any subject whose e-mail, phone or IBAN appears in the body
(matched through the blind index, nothing decrypted). A message about nobody known is not kept. A
BSN in a message is flagged as a finding to resolve (UAVG art. 46). Bad input — a truncated mbox, a
.msg that is not one, a binary file — stops the file with its name and message number, and the
caller's transaction keeps nothing of it.
"""

from __future__ import annotations

import binascii
import email
import email.header
import email.policy
import email.utils
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import errors as email_errors
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk.correspondence import Link, MessageIn, store_messages
from privacydesk.errors import Refused, UnusableInput
from privacydesk.imports.batch import Summary, file_digest, finish_batch, start_batch
from privacydesk.register.model import Register
from privacydesk.scan.detectors import Kind, detect
from privacydesk.scan.extract import html_to_text
from privacydesk.scan.findings import raise_finding
from privacydesk.scan.known import strong_candidates
from privacydesk.scan.parallel import default_workers, parallel_batches
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.subjects import Identifier, ImportBatch, Subject
from privacydesk.subjects import default_purpose

OUTLOOK_HINT = "install the optional extra: pip install 'privacydesk[outlook]' (extract-msg, GPL-3.0)"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BODY_LIMIT = 1 << 20  # the text of a message scanned and kept: its first MB


@dataclass
class Mail:
    """What privacydesk keeps of a message (attachments by name and size only)."""

    identity: str
    sent_at: datetime | None
    sender: str
    recipients: list[str]
    subject: str
    body: str
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # Who else it is between, beyond the e-mail addresses: (identifier kind, value, role).
    parties: list[tuple[str, str, str]] = field(default_factory=list)

    def content(self) -> dict[str, Any]:
        return {
            "from": self.sender,
            "to": self.recipients,
            "subject": self.subject,
            "body": self.body,
            "attachments": self.attachments,
        }


# --- reading messages ----------------------------------------------------------------------------


def mbox_messages(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(number, raw message, whether it is the last) of an mbox, one at a time (memory flat)."""
    with path.open("rb") as fh:
        first = fh.readline()
        if not first.startswith(b"From "):
            raise UnusableInput(f"{path}:1: not an mbox file (it must start with a 'From ' line)")
        number, previous_blank = 1, False
        lines: list[bytes] = []
        for line in fh:
            if previous_blank and line.startswith(b"From "):
                yield number, b"".join(lines), False
                number, lines = number + 1, []
            else:
                lines.append(line)
            previous_blank = line in (b"\n", b"\r\n")
        if not lines or not lines[-1].endswith(b"\n"):
            raise UnusableInput(
                f"{path}: message {number} is truncated (the file ends in the middle of it)",
                hint="copy the mailbox again; nothing of this file was imported",
            )
        yield number, b"".join(lines), True


def eml_files(path: Path) -> list[Path]:
    """The .eml files of a directory (recursively, sorted), or the one file named."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.eml") if p.is_file())
    return [path]


def parse_message(raw: bytes, where: str) -> EmailMessage:
    """A message parsed leniently (real mail is often malformed), refusing binary data."""
    if b"\x00" in raw[:8192]:
        raise UnusableInput(f"{where}: a binary file, not an e-mail message")
    # A text without header lines is kept as a message with only a body (digests hold such parts).
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def _truncated(message: EmailMessage) -> bool:
    return any(isinstance(d, email_errors.CloseBoundaryNotFoundDefect) for d in _defects(message))


def _defects(message: EmailMessage) -> Iterator[email_errors.MessageDefect]:
    for part in message.walk():
        yield from part.defects


def _text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        text = payload.decode("utf-8", errors="replace")
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _attachment(part: EmailMessage) -> dict[str, Any]:
    slimmed = part.get(_SIZE_HEADER)
    size = int(slimmed) if slimmed is not None else len(part.get_payload(decode=True) or b"")
    name = part.get_filename() or "(no name)"
    return {"name": str(email.header.make_header(email.header.decode_header(name))), "size": size}


# Attachments are most of the bytes of mail, and the e-mail parser reads every line of them in
# Python. Only their names and sizes are kept, so before parsing, the base64 body of each top-level
# attachment is measured (binascii, in C) and cut out, its size left in a header of our own.
_SIZE_HEADER = "X-Privacydesk-Attachment-Size"
_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def slim(raw: bytes) -> bytes:
    """The message with its top-level base64 attachments emptied (their decoded size in a header)."""
    head_end = _HEADER_END.search(raw)
    boundary = _BOUNDARY.search(raw, 0, head_end.start()) if head_end else None
    if head_end is None or boundary is None:
        return raw
    delimiter = b"\n--" + boundary.group(1)
    if delimiter + b"--" not in raw:  # no closing delimiter: leave it whole, the parser reports it
        return raw
    pieces = raw.split(delimiter)
    return delimiter.join([pieces[0]] + [_slim_part(p) for p in pieces[1:-1]] + [pieces[-1]])


def _slim_part(piece: bytes) -> bytes:
    end = _HEADER_END.search(piece)
    if end is None:
        return piece
    head = piece[: end.start()].lower()
    if b"base64" not in head or not (b"attachment" in head or b"content-type: text" not in head):
        return piece
    try:
        size = len(binascii.a2b_base64(piece[end.end() :]))
    except binascii.Error:
        return piece
    return piece[: end.start()] + f"\n{_SIZE_HEADER}: {size}".encode() + b"\n\n"


def _body_and_attachments(message: EmailMessage) -> tuple[str, list[dict[str, Any]]]:
    texts: list[str] = []
    attachments: list[dict[str, Any]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_filename() or part.get_content_maintype() not in ("text", "message"):
            attachments.append(_attachment(part))
        elif part.get_content_maintype() == "text" and not (texts and part.get_content_subtype() == "html"):
            texts.append(_text(part))  # the plain part; an HTML alternative only when there is none
    return "\n".join(texts)[:_BODY_LIMIT], attachments


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(str(value))))
    except (email_errors.HeaderParseError, UnicodeError, LookupError):
        return str(value)


def _sent_at(message: EmailMessage) -> datetime | None:
    try:
        sent = email.utils.parsedate_to_datetime(message.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return sent.replace(tzinfo=UTC) if sent.tzinfo is None else sent.astimezone(UTC)


def mail_of(message: EmailMessage, raw: bytes) -> Mail:
    """The parts of a parsed message that are kept; its identity is its Message-ID, else its bytes."""
    addresses = email.utils.getaddresses([_header(message, h) for h in ("To", "Cc")])
    body, attachments = _body_and_attachments(message)
    message_id = str(message.get("Message-ID", "")).strip()
    return Mail(
        identity="id:" + message_id if message_id else "sha256:" + hashlib.sha256(raw).hexdigest(),
        sent_at=_sent_at(message),
        sender=email.utils.parseaddr(_header(message, "From"))[1],
        recipients=[a for _, a in addresses if a],
        subject=_header(message, "Subject")[:500],
        body=body,
        attachments=attachments,
    )


def outlook_mail(path: Path) -> Mail:
    """An Outlook .msg through extract-msg (GPL-3.0, an optional extra)."""
    with path.open("rb") as fh:
        if fh.read(8) != _OLE_MAGIC:
            raise UnusableInput(
                f"{path}: not an Outlook .msg file", hint="export the message again from Outlook"
            )
    try:
        import extract_msg
    except ImportError:
        raise UnusableInput(f"{path}: reading Outlook .msg needs extract-msg", hint=OUTLOOK_HINT) from None
    try:
        msg = extract_msg.openMsg(str(path))
    except Exception as exc:  # noqa: BLE001 - extract-msg raises many kinds for a broken file
        raise UnusableInput(f"{path}: not a readable Outlook message ({type(exc).__name__})") from None
    with msg:
        recipients = email.utils.getaddresses([msg.to or "", msg.cc or ""])
        return Mail(
            identity="id:" + (msg.messageId or "") if msg.messageId else "sha256:" + file_digest(path),
            sent_at=msg.date if isinstance(msg.date, datetime) else None,
            sender=email.utils.parseaddr(msg.sender or "")[1],
            recipients=[a for _, a in recipients if a],
            subject=(msg.subject or "")[:500],
            body=(msg.body or "")[:_BODY_LIMIT],
            attachments=[
                {"name": a.getFilename() or "(no name)", "size": len(a.data or b"")}
                for a in msg.attachments
                if isinstance(getattr(a, "data", None), bytes)
            ],
        )


# --- linking and storing -------------------------------------------------------------------------


class Known(NamedTuple):
    """A subject as the linking needs it: no ORM object per subject, no query per message."""

    id: int
    ref: str
    subject_type: str


Lookup = Callable[[str, str], list[Known]]


def identifier_lookup(session: Session, *, keyring: Keyring) -> Lookup:
    """Subjects by (kind, canonical value) through the blind index, loaded once for the whole file."""
    index: dict[tuple[str, str], list[Known]] = {}
    rows = session.execute(
        select(Identifier.kind, Identifier.blind_index, Subject.id, Subject.ref, Subject.subject_type)
        .join(Subject, Subject.id == Identifier.subject_id)
        .where(Identifier.kind.in_(("email", "phone", "iban", "name")), Subject.erased_at.is_(None))
    )
    for kind, blind, subject_id, ref, subject_type in rows:
        index.setdefault((kind, blind), []).append(Known(subject_id, ref, subject_type))

    def lookup(kind: str, value: str) -> list[Known]:
        found = index.get((kind, keyring.blind_index(kind, value)), [])
        return [] if kind == "name" and len(found) > 1 else found  # a shared name links nobody

    return lookup


def links_of(mail: Mail, lookup: Lookup) -> list[tuple[Known, str]]:
    """Every known subject the message is about, with their role: sender, recipient, mentioned."""
    found: dict[int, tuple[Known, str]] = {}
    parties = [("email", mail.sender, "sender")] + [("email", r, "recipient") for r in mail.recipients]
    for kind, value, role in parties + mail.parties:
        for subject in lookup(kind, value.strip().lower()):
            found.setdefault(subject.id, (subject, role))
    for kind, value, _, _ in strong_candidates(mail.subject + "\n" + mail.body):
        for subject in lookup(str(kind), value):
            found.setdefault(subject.id, (subject, "mentioned"))
    return list(found.values())


@dataclass
class _Pending:
    """A message waiting to be stored with the next batch, and whom it is to be linked to."""

    where: str
    message: MessageIn
    links: list[Link]
    bsns: list[str]


@dataclass
class MailImport:
    """Stores the messages of one file (or folder) in the caller's transaction, in batches.

    Each batch goes through privacydesk.correspondence.store_messages, the one code path that seals
    and links correspondence. Links are not audited one by one: the file's IMPORT_COMPLETED entry
    carries the counts, as for other imports.
    """

    session: Session
    keyring: Keyring
    register: Register
    source: str
    channel: str
    actor: str
    summary: Summary
    lookup: Lookup
    today: date
    batch_size: int = 500
    pending: list[_Pending] = field(default_factory=list)
    _keys: dict[int, bytes] = field(default_factory=dict)  # subject id: data key, kept between batches

    def add(self, mail: Mail, where: str) -> None:
        links = self._with_purposes(links_of(mail, self.lookup), where)
        if not links:
            self.summary.skipped.append(f"{where}: about no known subject; not kept")
            return
        fingerprint = self.keyring.blind_index("message", mail.identity)
        bsns = [h.value for h in detect(mail.subject + "\n" + mail.body, frozenset({Kind.BSN}))]
        self.pending.append(_Pending(where, self._message_in(mail, fingerprint), links, bsns))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Store the pending messages (a message stored before only gains its missing links)."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        results = store_messages(
            self.session,
            keyring=self.keyring,
            register=self.register,
            messages=[(item.message, item.links) for item in batch],
            source="data_subject",
            source_ref=self.source,
            today=self.today,
            actor=self.actor,
            audit_each=False,
            subject_keys=self._keys,
        )
        for item, stored in zip(batch, results, strict=True):
            if stored.new:
                self.summary.added += 1
            else:
                self.summary.matched += 1
            self.summary.records += stored.links
            self._flag_bsns(item, stored.message_id)

    def _message_in(self, mail: Mail, fingerprint: str) -> MessageIn:
        owned = self.register.controller.email.rsplit("@", 1)[-1].lower()
        direction = "out" if mail.sender.lower().endswith("@" + owned) else "in"
        return MessageIn(fingerprint, mail.sent_at, direction, self.channel, mail.content())

    def _with_purposes(self, links: list[tuple[Known, str]], where: str) -> list[Link]:
        out = []
        for subject, role in links:
            try:
                purpose = default_purpose(
                    self.register, category="correspondence", subject_type=subject.subject_type
                )
            except Refused:
                self.summary.skipped.append(
                    f"{where}: no purpose in the register holds a {subject.subject_type}'s correspondence; "
                    "link not kept"
                )
                continue
            out.append(Link(subject.id, subject.ref, role, purpose))
        return out

    def _flag_bsns(self, item: _Pending, message_id: int) -> None:
        for value in item.bsns:
            raise_finding(
                self.session,
                keyring=self.keyring,
                kind=Kind.BSN,
                reason="forbidden",
                source=self.source,
                location=_location(item.where),
                value=value,
                subject_ref=item.links[0].subject_ref,
                message_id=message_id,
                actor=self.actor,
            )


def _location(where: str) -> str:
    """'message 12' within an mbox, else the file's name."""
    return where.rsplit(": ", 1)[1] if ": message " in where else Path(where).name[-100:]


# --- whole files ---------------------------------------------------------------------------------


PARALLEL_FROM = 8 << 20  # an mbox this large is parsed on every core (below it, start-up costs more)


def _mails_of_file(path: Path) -> Iterable[tuple[str, Mail]]:
    """(where, mail) for each message in an mbox, an .eml (or any file named), or a .msg."""
    suffix = path.suffix.lower()
    if suffix == ".msg":
        yield f"{path}", outlook_mail(path)
    elif suffix in (".mbox", ".mbx") or _starts_like_mbox(path):
        yield from _mbox_mails(path)
    else:
        for file in eml_files(path):
            yield from _checked(file.read_bytes(), f"{file}", last_check=False)


def _mbox_mails(path: Path, after: int = 0) -> Iterator[tuple[str, Mail]]:
    """The messages of an mbox (those after number `after`): split here, parsed in worker processes
    when the file is large."""
    jobs = (
        (raw, f"{path}: message {number}", last)
        for number, raw, last in mbox_messages(path)
        if number > after
    )
    if path.stat().st_size < PARALLEL_FROM or default_workers() < 2:
        for raw, where, last in jobs:
            yield from _checked(raw, where, last_check=last)
        return
    for where, mail, error in parallel_batches(_parse_batch, jobs):
        if error is not None:
            raise UnusableInput(error[0], hint=error[1])
        assert mail is not None
        yield where, mail


def _parse_batch(
    jobs: list[tuple[bytes, str, bool]],
) -> list[tuple[str, Mail | None, tuple[str, str | None] | None]]:
    """Parse raw messages in a worker; a refusal comes back as data (exceptions travel badly)."""
    out: list[tuple[str, Mail | None, tuple[str, str | None] | None]] = []
    for raw, where, last in jobs:
        try:
            out.extend((w, mail, None) for w, mail in _checked(raw, where, last_check=last))
        except UnusableInput as exc:
            out.append((where, None, (exc.message, exc.hint)))
    return out


def _starts_like_mbox(path: Path) -> bool:
    if path.is_dir():
        return False
    with path.open("rb") as fh:
        return fh.read(5) == b"From "


def _checked(raw: bytes, where: str, *, last_check: bool) -> Iterator[tuple[str, Mail]]:
    message = parse_message(slim(raw), where)
    if last_check and _truncated(message):
        raise UnusableInput(
            f"{where} is truncated (its MIME parts do not end)",
            hint="copy the mailbox again; nothing of this file was imported",
        )
    yield where, mail_of(message, raw)


def imap_mails(
    *, host: str, port: int, user: str, password: str, folder: str, since: date, ssl: bool
) -> Iterator[tuple[str, Mail]]:
    """The messages of an IMAP folder since a date, read-only (the folder is selected read-only and
    bodies are fetched with BODY.PEEK, so not even the \\Seen flag changes)."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError

    try:
        with IMAPClient(host, port=port, ssl=ssl, timeout=60) as client:
            client.login(user, password)
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search(["SINCE", since]))
            for start in range(0, len(uids), 100):
                for uid, data in sorted(client.fetch(uids[start : start + 100], ["BODY.PEEK[]"]).items()):
                    yield from _checked(
                        data[b"BODY[]"], f"imap {folder}: message uid {uid}", last_check=False
                    )
    except (IMAPClientError, OSError) as exc:
        raise UnusableInput(
            f"IMAP {host}:{port} folder {folder}: {type(exc).__name__}: {str(exc)[:200]}",
            hint="check the host, port, --ssl/--no-ssl, the user, the password variable and the folder name",
        ) from None


def import_mails(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    name: Path,
    digest: str,
    mails: Iterable[tuple[str, Mail]],
    actor: str,
    today: date,
    channel: str = "email",
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Store `mails` as one import batch in the caller's transaction (whole or not at all)."""
    batch = start_batch(session, kind=channel, path=name, digest=digest)
    summary = Summary(file=str(name))
    importer = MailImport(
        session,
        keyring,
        register,
        f"import:{batch.id}",
        channel,
        actor,
        summary,
        identifier_lookup(session, keyring=keyring),
        today,
    )
    for count, (where, mail) in enumerate(mails, start=1):
        importer.add(mail, where)
        if progress is not None:
            progress(count)
    importer.flush()
    finish_batch(session, batch=batch, summary=summary, actor=actor)
    return summary


def import_mail(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    path: Path,
    actor: str,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Import one mbox / .eml / directory of .eml / .msg file."""
    if not path.exists():
        raise UnusableInput(f"{path}: no such file or directory")
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest() if path.is_dir() else file_digest(path)
    return import_mails(
        session,
        keyring=keyring,
        register=register,
        name=path,
        digest=digest,
        mails=_mails_of_file(path),
        actor=actor,
        today=today,
        progress=progress,
    )


# --- very large mailboxes: in steps, with a checkpoint -------------------------------------------

CHECKPOINT_FROM = 256 << 20  # an mbox this large is imported in steps, each committed on its own
CHECKPOINT_EVERY = 10_000  # messages per step


@dataclass
class MboxSteps:
    """An mbox too large for one transaction, imported in steps of `every` messages.

    Each step is its own transaction and moves the batch's checkpoint (the number of the last message
    done) with it. A run that stops — killed, or a broken message — leaves the batch unfinished; a
    rerun of the same file (same SHA-256) resumes after the checkpoint. The step that was cut off left
    nothing, and messages are stored once by fingerprint, so nothing is duplicated either way.
    """

    batch_id: int
    every: int
    summary: Summary
    mails: Iterator[tuple[str, Mail]]
    done: int  # the checkpoint: messages of the file done so far
    skipped_before: int = 0  # messages skipped by the runs before this one


def start_mbox_steps(session: Session, *, path: Path, every: int) -> MboxSteps:
    """This file's unfinished batch (a run that stopped) to resume, or a new one."""
    if not _starts_like_mbox(path):
        raise UnusableInput(f"{path}: only an mbox file is imported in steps")
    digest = file_digest(path, max_bytes=None)
    batch = session.execute(
        select(ImportBatch)
        .where(
            ImportBatch.kind == "email", ImportBatch.file_hash == digest, ImportBatch.finished_at.is_(None)
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    ).scalar_one_or_none() or start_batch(session, kind="email", path=path, digest=digest)
    summary = Summary(str(path), added=batch.added, matched=batch.matched)
    mails = _mbox_mails(path, after=batch.checkpoint)
    return MboxSteps(batch.id, every, summary, mails, batch.checkpoint, batch.skipped)


def import_mbox_step(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    steps: MboxSteps,
    actor: str,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> bool:
    """Import the next `steps.every` messages in the caller's transaction and move the checkpoint;
    True when the file is done (the batch finished and audited)."""
    batch = session.get(ImportBatch, steps.batch_id)
    assert batch is not None
    lookup = identifier_lookup(session, keyring=keyring)
    importer = MailImport(
        session, keyring, register, f"import:{batch.id}", "email", actor, steps.summary, lookup, today
    )
    taken = 0
    try:
        for where, mail in itertools.islice(steps.mails, steps.every):
            importer.add(mail, where)
            taken += 1
            if progress is not None:
                progress(steps.done + taken)
    except UnusableInput as exc:
        raise UnusableInput(
            exc.message,
            hint=f"messages 1 to {steps.done} are imported; correct the file and import it again "
            "(what is stored already is not stored twice)",
        ) from None
    importer.flush()
    steps.done += taken
    batch.checkpoint = steps.done
    batch.added, batch.matched, batch.skipped = (
        steps.summary.added,
        steps.summary.matched,
        len(steps.summary.skipped),
    )
    if taken == steps.every:
        return False
    finish_batch(session, batch=batch, summary=steps.summary, actor=actor)
    return True
