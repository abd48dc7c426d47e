"""What a fulfilment returns: the files it wrote and a structured summary the answer letter uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Erased:
    """Data that was deleted: a category, under a purpose, and how many records."""

    category: str
    purpose: str
    records: int


@dataclass(frozen=True)
class Kept:
    """Data that was kept although the person asked otherwise: why, and until when."""

    category: str
    purpose: str
    records: int
    reason: str
    until: date | None


@dataclass(frozen=True)
class Withheld:
    """Data left out of an answer because it is about someone else (GDPR art. 15(4))."""

    what: str
    count: int
    reason: str


@dataclass
class Summary:
    """The facts an answer letter states; keys are register keys, never personal data."""

    request_type: str
    subject_ref: str
    erased: list[Erased] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    notify_recipients: list[str] = field(default_factory=list)
    processor_tasks: list[str] = field(default_factory=list)
    changed_fields: list[str] = field(default_factory=list)
    purposes_stopped: list[str] = field(default_factory=list)
    key_destroyed: bool = False
    contacts_ended: int = 0
    suppressed: bool = False

    def as_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, list):
                return [plain(v) for v in value]
            if hasattr(value, "__dataclass_fields__"):
                return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
            return value

        return {k: plain(getattr(self, k)) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Result:
    """The outcome of one fulfilment step."""

    files: list[Path]
    summary: Summary
