"""A subject's data as plain values: what the report, the exports and the schema are built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class RecordData:
    """One decrypted record with its register keys and retention clock."""

    id: int
    kind: str
    category: str
    purpose: str
    source: str
    created_at: datetime
    event_on: date | None
    expires_on: date | None
    restricted: bool
    payload: dict[str, Any]


@dataclass(frozen=True)
class MessageData:
    """One decrypted message the subject sent or received."""

    id: int
    sent_at: datetime
    direction: str
    channel: str
    role: str
    subject_line: str
    body: str
    sender: str
    to: list[str]
    attachments: list[dict[str, Any]]


@dataclass(frozen=True)
class HistoryData:
    """An earlier value of a record, kept after a correction (art. 16)."""

    record_id: int
    changed_at: datetime
    changed_fields: list[str]
    old: dict[str, Any]


@dataclass(frozen=True)
class LogData:
    """One time the data was used or changed, from the audit log: when and what, not by whom
    (CJEU C-579/21: the dates and purposes of consultations belong in the answer, staff names not)."""

    at: datetime
    action: str
    description: str


@dataclass(frozen=True)
class OthersData:
    """Other people's data found through this subject, withheld under GDPR art. 15(4)."""

    contacts_from_their_list: int = 0
    contact_list_imported_on: list[date] = field(default_factory=list)
    owner_withheld: bool = False


@dataclass(frozen=True)
class SubjectData:
    """Everything the store holds about one subject, decrypted."""

    ref: str
    subject_type: str
    created_at: datetime
    identifiers: list[tuple[str, str]]
    records: list[RecordData]
    messages: list[MessageData]
    others: OthersData = OthersData()
    restricted: bool = False
    objected_marketing: bool = False
    consents: list[dict[str, Any]] = field(default_factory=list)
    history: list[HistoryData] = field(default_factory=list)
    log: list[LogData] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        return sorted({r.category for r in self.records})

    @property
    def purposes(self) -> list[str]:
        return sorted({r.purpose for r in self.records})
