"""Access (GDPR art. 15): a ZIP with the readable answer (HTML and PDF) and the data itself."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.subject_requests.fulfil.exports import (
    identifiers_csv,
    records_csv,
    subject_json,
    to_eml,
    write_zip,
)
from privacydesk.subject_requests.fulfil.load import load_subject_data
from privacydesk.subject_requests.fulfil.report import (
    AccessReport,
    build_report,
    message_filename,
    render_html,
    render_pdf,
    withheld_items,
)
from privacydesk.subject_requests.fulfil.result import Result, Summary
from privacydesk.subject_requests.fulfil.subject_data import SubjectData


def export_path(out_dir: Path, kind: str, ref: str) -> Path:
    """Where an export of `ref` goes; erasure finds a subject's exports by this name."""
    return out_dir / f"{kind}-{ref}-{utcnow().strftime('%Y%m%dT%H%M%S%f')}.zip"


def _members(reg: Register, data: SubjectData, report: AccessReport) -> dict[str, bytes]:
    html = render_html(report, brand_color=reg.controller.branding.primary_color)
    doc = subject_json(data, data.records)
    doc["consents"] = data.consents
    doc["history"] = [
        {
            "record_id": h.record_id,
            "changed_at": h.changed_at.isoformat(),
            "fields": h.changed_fields,
            "old": h.old,
        }
        for h in data.history
    ]
    doc["log"] = [{"at": e.at.isoformat(), "action": e.action, "what": e.description} for e in data.log]
    members = {
        "report.html": html.encode(),
        "report.pdf": render_pdf(html),
        "data.json": json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode(),
        "records.csv": records_csv(data.records),
        "identifiers.csv": identifiers_csv(data),
    }
    for i, message in enumerate(sorted(data.messages, key=lambda m: (m.sent_at, m.id)), start=1):
        members[message_filename(i, message.id)] = to_eml(message)
    return members


def fulfil_access(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int,
    lang: str,
    made_on: date,
    reference: str,
    out_dir: Path,
    actor: str,
) -> Result:
    """Write the art. 15 answer for `subject_id` as a ZIP in `out_dir`; `reference` is the request's."""
    data = load_subject_data(session, keyring=keyring, subject_id=subject_id)
    report = build_report(register, data, lang=lang, made_on=made_on, reference=reference)
    members = _members(register, data, report)
    path = write_zip(export_path(out_dir, "access", data.ref), members)
    summary = Summary(request_type="access", subject_ref=data.ref, withheld=withheld_items(data))
    audit.record(
        session,
        action=audit.Action.EXPORT_CREATED,
        actor=actor,
        target_type="subject",
        target_id=data.ref,
        details={"kind": "access", "files": len(members), "lang": lang},
    )
    return Result(files=[path], summary=summary)
