"""Import a customer's contact list (vCard 2.1/3.0/4.0 or Google Contacts CSV) as subjects of type
'customer_contact', each linked to the customer it came from, with the import as source (GDPR art. 14).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from privacydesk.errors import NotFound, UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise
from privacydesk.imports.batch import Summary, file_digest, finish_batch, start_batch
from privacydesk.imports.bulk import CHUNK, BulkWriter, Draft, Drafter, Item
from privacydesk.imports.pipeline import can_fork, in_child
from privacydesk.imports.vcard import Contact, read_vcards
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.subjects import default_purpose, find_by_identifier

SUBJECT_TYPE = "customer_contact"
SOURCE = "customer_app_import"
PARALLEL_BYTES = 1 << 20  # about 5,000 cards: below that a child process costs more than it saves


def _google_rows(text: str) -> Iterator[Contact]:
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        get = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        name = get.get("name") or " ".join(
            v
            for v in (
                get.get("given name") or get.get("first name"),
                get.get("family name") or get.get("last name"),
            )
            if v
        )
        emails = [
            p.strip()
            for k, v in get.items()
            if k.startswith("e-mail") and k.endswith("value")
            for p in v.split(":::")
            if p.strip()
        ]
        phones = [
            p.strip()
            for k, v in get.items()
            if k.startswith("phone") and k.endswith("value")
            for p in v.split(":::")
            if p.strip()
        ]
        yield Contact(reader.line_num, name.strip(), emails, phones)


def read_contacts(path: Path) -> Iterator[Contact]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise UnusableInput(f"{path}: a binary file, not a contact list")
    if data.lstrip()[:11].upper().startswith(b"BEGIN:VCARD"):
        return _in_file(path, read_vcards(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput(f"{path}: neither a vCard file nor UTF-8 CSV") from None
    header = text.split("\n", 1)[0].lower()
    if "e-mail 1 - value" in header or "phone 1 - value" in header:
        return _in_file(path, _google_rows(text))
    raise UnusableInput(
        f"{path}: not a vCard file or a Google Contacts CSV export",
        hint="export the contacts as vCard (.vcf) or Google CSV",
    )


def _in_file(path: Path, contacts: Iterator[Contact]) -> Iterator[Contact]:
    """The parsers name the line of a broken card; this adds the file, for imports of several."""
    try:
        yield from contacts
    except UnusableInput as exc:
        raise UnusableInput(f"{path}: {exc.message}", hint=exc.hint) from None


def _pairs(contact: Contact, where: str, skipped: list[str]) -> list[tuple[str, str]]:
    """Normalised identifiers; values that are not valid are reported, not stored."""
    pairs: list[tuple[str, str]] = []
    for kind, values in (("name", [contact.name]), ("email", contact.emails), ("phone", contact.phones)):
        for value in values:
            if not value:
                continue
            try:
                norm = normalise(kind, value)
            except InvalidIdentifier as exc:
                skipped.append(f"{where}: {exc.field}: {exc.reason}; that value not imported")
                continue
            if (kind, norm) not in pairs:
                pairs.append((kind, norm))
    return pairs


def import_contacts(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    path: Path,
    owner_email: str,
    today: date,
    actor: str,
    parallel: bool | None = None,
) -> Summary:
    """Import one contact-list file for the customer with `owner_email`, in the caller's transaction.

    `parallel` reads and seals the cards in a child process while this one writes (None: for files
    of PARALLEL_BYTES or more, when there is a second core).
    """
    owners = find_by_identifier(session, keyring=keyring, kind="email", value=owner_email)
    owner = next((s for s in owners if s.subject_type == "customer"), None)
    if owner is None:
        raise NotFound("no customer with that e-mail address", hint="import or add the customer first")
    digest = file_digest(path)
    batch = start_batch(session, kind="contacts", path=path, digest=digest)
    summary = Summary(str(path))
    writer = BulkWriter(
        session, keyring, register, SUBJECT_TYPE, SOURCE, f"import:{batch.id}", owner_id=owner.id
    )
    purposes = {
        c: default_purpose(register, category=c, subject_type=SUBJECT_TYPE)
        for c in ("name", "email", "phone")
    }
    if parallel is None:
        parallel = can_fork() and path.stat().st_size >= PARALLEL_BYTES
    chunks = _draft_chunks(path, writer.drafter, purposes)
    # A broken card refuses the whole file: its error ends the loop and the transaction rolls back.
    for drafts, skipped in in_child(lambda: chunks) if parallel else chunks:
        summary.skipped += skipped
        for draft in drafts:
            writer.add_draft(draft)
    writer.flush()
    summary.added, summary.matched, summary.records = writer.added, writer.matched, writer.records
    finish_batch(session, batch=batch, summary=summary, actor=actor)
    return summary


def _draft_chunks(
    path: Path, drafter: Drafter, purposes: dict[str, str]
) -> Iterator[tuple[list[Draft], list[str]]]:
    """The file's cards as drafts, CHUNK at a time, each chunk with the reasons values were skipped."""
    drafts: list[Draft] = []
    skipped: list[str] = []
    for contact in read_contacts(path):
        item = _item(contact, f"{path.name}:{contact.line}", skipped, purposes)
        if item is not None:
            drafts.append(drafter.draft(item))
        if len(drafts) >= CHUNK:
            yield drafts, skipped
            drafts, skipped = [], []
    yield drafts, skipped


def _item(contact: Contact, where: str, skipped: list[str], purposes: dict[str, str]) -> Item | None:
    pairs = _pairs(contact, where, skipped)
    if not any(k in ("email", "phone") for k, _ in pairs) and not contact.name:
        skipped.append(f"{where}: no name, e-mail or phone; card not imported")
        return None
    values: list[tuple[str, str, str, dict[str, Any], date | None]] = []
    if contact.name:
        values.append(("contact_list_entry", "name", purposes["name"], {"name": contact.name}, None))
    values += [
        ("contact_list_entry", k, purposes[k], {k: v}, None) for k, v in pairs if k in ("email", "phone")
    ]
    return Item(pairs, values)
