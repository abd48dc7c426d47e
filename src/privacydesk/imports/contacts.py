"""Import a customer's contact list (vCard 2.1/3.0/4.0 or Google Contacts CSV) as subjects of type
'customer_contact', each linked to the customer it came from, with the import as source (GDPR art. 14).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from privacydesk.errors import NotFound, UnusableInput
from privacydesk.identifiers import InvalidIdentifier, normalise
from privacydesk.imports.batch import Matcher, Summary, file_digest, finish_batch, start_batch
from privacydesk.imports.vcard import Contact, read_vcards
from privacydesk.register.model import Register
from privacydesk.store.crypto import Keyring
from privacydesk.subjects import default_purpose, find_by_identifier, store_record

SUBJECT_TYPE = "customer_contact"
SOURCE = "customer_app_import"


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
        return read_vcards(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput(f"{path}: neither a vCard file nor UTF-8 CSV") from None
    header = text.split("\n", 1)[0].lower()
    if "e-mail 1 - value" in header or "phone 1 - value" in header:
        return _google_rows(text)
    raise UnusableInput(
        f"{path}: not a vCard file or a Google Contacts CSV export",
        hint="export the contacts as vCard (.vcf) or Google CSV",
    )


def _pairs(contact: Contact, where: str, summary: Summary) -> list[tuple[str, str]]:
    """Normalised identifiers; values that are not valid are reported, not stored."""
    pairs: list[tuple[str, str]] = []
    for kind, values in (("name", [contact.name]), ("email", contact.emails), ("phone", contact.phones)):
        for value in values:
            if not value:
                continue
            try:
                norm = normalise(kind, value)
            except InvalidIdentifier as exc:
                summary.skipped.append(f"{where}: {exc.field}: {exc.reason}; that value not imported")
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
) -> Summary:
    """Import one contact-list file for the customer with `owner_email`, in the caller's transaction."""
    owners = find_by_identifier(session, keyring=keyring, kind="email", value=owner_email)
    owner = next((s for s in owners if s.subject_type == "customer"), None)
    if owner is None:
        raise NotFound("no customer with that e-mail address", hint="import or add the customer first")
    digest = file_digest(path)
    contacts = list(read_contacts(path))  # parse all first: a broken card refuses the whole file
    batch = start_batch(session, kind="contacts", path=path, digest=digest)
    summary = Summary(str(path))
    matcher = Matcher(session, keyring, register, actor, SUBJECT_TYPE, owner_id=owner.id)
    for contact in contacts:
        _import_contact(
            session,
            keyring,
            register,
            matcher,
            summary,
            contact,
            f"{path.name}:{contact.line}",
            today,
            f"import:{batch.id}",
            actor,
        )
    finish_batch(session, batch=batch, summary=summary, actor=actor)
    return summary


def _import_contact(
    session: Session,
    keyring: Keyring,
    register: Register,
    matcher: Matcher,
    summary: Summary,
    contact: Contact,
    where: str,
    today: date,
    source_ref: str,
    actor: str,
) -> None:
    pairs = _pairs(contact, where, summary)
    if not any(k in ("email", "phone") for k, _ in pairs) and not contact.name:
        summary.skipped.append(f"{where}: no name, e-mail or phone; card not imported")
        return
    subject, created = matcher.match_or_create(pairs)
    summary.added += created
    summary.matched += not created
    values = [("name", {"name": contact.name})] if contact.name else []
    values += [(k, {k: v}) for k, v in pairs if k in ("email", "phone")]
    for category, payload in values:
        purpose = default_purpose(register, category=category, subject_type=SUBJECT_TYPE)
        _, new = store_record(
            session,
            keyring=keyring,
            register=register,
            subject=subject,
            kind="contact_list_entry",
            category=category,
            purpose=purpose,
            source=SOURCE,
            payload=payload,
            event_on=None,
            source_ref=source_ref,
            actor=actor,
            audit_each=False,
        )
        summary.records += new
