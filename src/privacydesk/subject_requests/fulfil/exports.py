"""The data itself as JSON, CSV and .eml files, and the ZIP that carries them.

Files are built in memory and written once, as the finished ZIP, so no loose copy of personal
data is ever left on disk (a half-written ZIP is removed).
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from privacydesk.subject_requests.fulfil.subject_data import MessageData, RecordData, SubjectData


def record_json(record: RecordData) -> dict[str, Any]:
    return {
        "id": record.id,
        "kind": record.kind,
        "category": record.category,
        "purpose": record.purpose,
        "source": record.source,
        "created_at": record.created_at.isoformat(),
        "event_on": record.event_on.isoformat() if record.event_on else None,
        "expires_on": record.expires_on.isoformat() if record.expires_on else None,
        "restricted": record.restricted,
        "data": record.payload,
    }


def message_json(message: MessageData) -> dict[str, Any]:
    return {
        "id": message.id,
        "sent_at": message.sent_at.isoformat(),
        "direction": message.direction,
        "channel": message.channel,
        "subject": message.subject_line,
        "from": message.sender,
        "to": message.to,
        "body": message.body,
        "attachments": message.attachments,
    }


def subject_json(
    data: SubjectData, records: list[RecordData], *, with_messages: bool = True
) -> dict[str, Any]:
    """The subject's data as one JSON document (the portability schema describes it)."""
    doc: dict[str, Any] = {
        "subject": {"reference": data.ref, "type": data.subject_type, "since": data.created_at.isoformat()},
        "identifiers": [{"kind": k, "value": v} for k, v in data.identifiers],
        "records": [record_json(r) for r in records],
    }
    if with_messages:
        doc["messages"] = [message_json(m) for m in sorted(data.messages, key=lambda m: (m.sent_at, m.id))]
    return doc


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8


def records_csv(records: list[RecordData]) -> bytes:
    """One row per field of each record: spreadsheet-friendly whatever the record's shape."""
    rows = [
        ["record_id", "kind", "category", "purpose", "source", "created_at", "expires_on", "field", "value"]
    ]
    for r in records:
        for name, value in sorted(r.payload.items()) or [("", "")]:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            expires = r.expires_on.isoformat() if r.expires_on else ""
            rows.append(
                [
                    str(r.id),
                    r.kind,
                    r.category,
                    r.purpose,
                    r.source,
                    r.created_at.isoformat(),
                    expires,
                    name,
                    text,
                ]
            )
    return _csv(rows)


def identifiers_csv(data: SubjectData) -> bytes:
    return _csv([["kind", "value"], *[[k, v] for k, v in data.identifiers]])


def to_eml(message: MessageData) -> bytes:
    """A message as an RFC 5322 file any mail program opens; attachments are listed, not attached
    (only their names and sizes were ever stored)."""
    msg = EmailMessage()
    msg["Subject"] = message.subject_line
    msg["From"] = message.sender
    if message.to:
        msg["To"] = ", ".join(message.to)
    msg["Date"] = format_datetime(message.sent_at)
    body = message.body
    if message.attachments:
        names = "\n".join(f"- {a.get('name')} ({a.get('size')} bytes)" for a in message.attachments)
        body += f"\n\n[attachments]\n{names}\n"
    msg.set_content(body)
    return bytes(msg)


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    """Write `members` into a new ZIP at `path`, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in members.items():
                zf.writestr(name, content)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
