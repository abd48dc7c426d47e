"""Portability (art. 20): the data the person provided, as JSON with its JSON Schema and as CSV,
in a ZIP for them — or behind a single-use, expiring link for the organisation they name.

Art. 20 covers what the person provided (themselves, including what they sent us), held on
consent or contract and processed by automated means; not what others gave us about them (the
contact list a customer shared) nor what we must keep by law.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.register.model import LegalBasis, Register, Source
from privacydesk.store.crypto import Keyring
from privacydesk.subject_requests.fulfil.access import export_path
from privacydesk.subject_requests.fulfil.downloads import create_download
from privacydesk.subject_requests.fulfil.exports import (
    identifiers_csv,
    message_json,
    records_csv,
    subject_json,
    write_zip,
)
from privacydesk.subject_requests.fulfil.load import load_subject_data
from privacydesk.subject_requests.fulfil.result import Result, Summary
from privacydesk.subject_requests.fulfil.schema import portability_schema
from privacydesk.subject_requests.fulfil.subject_data import RecordData, SubjectData

PORTABLE_BASES = (LegalBasis.CONSENT, LegalBasis.CONTRACT)


@dataclass(frozen=True)
class PortabilityResult(Result):
    """A portability answer; `download_token` is set when it goes to another organisation."""

    download_token: str | None = None


def provided_records(register: Register, data: SubjectData) -> list[RecordData]:
    """The records art. 20 covers: from the person, on consent or contract."""
    out = []
    for record in data.records:
        purpose = register.purpose(record.purpose)
        if record.source == Source.DATA_SUBJECT and purpose and purpose.legal_basis in PORTABLE_BASES:
            out.append(record)
    return out


def _members(register: Register, data: SubjectData) -> dict[str, bytes]:
    records = provided_records(register, data)
    own = (
        data
        if not data.others.owner_withheld
        else SubjectData(data.ref, data.subject_type, data.created_at, [], data.records, data.messages)
    )
    doc = subject_json(own, records, with_messages=False)
    doc["messages"] = [message_json(m) for m in data.messages if m.direction == "in"]
    return {
        "data.json": json.dumps(doc, ensure_ascii=False, indent=2).encode(),
        "data.schema.json": json.dumps(portability_schema(register), indent=2).encode(),
        "records.csv": records_csv(records),
        "identifiers.csv": identifiers_csv(own),
    }


def fulfil_portability(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int,
    out_dir: Path,
    actor: str,
    link_expires_at: datetime | None = None,
) -> PortabilityResult:
    """Write the portability ZIP; with `link_expires_at`, also a single-use link to it."""
    data = load_subject_data(session, keyring=keyring, subject_id=subject_id)
    path = write_zip(export_path(out_dir, "portability", data.ref), _members(register, data))
    audit.record(
        session,
        action=audit.Action.EXPORT_CREATED,
        actor=actor,
        target_type="subject",
        target_id=data.ref,
        details={"kind": "portability", "link": link_expires_at is not None},
    )
    token = None
    if link_expires_at is not None:
        token = create_download(session, path=path, expires_at=link_expires_at, actor=actor)
    summary = Summary(request_type="portability", subject_ref=data.ref)
    return PortabilityResult(files=[path], summary=summary, download_token=token)
