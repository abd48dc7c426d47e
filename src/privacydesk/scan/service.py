"""Scanning files: extract text, detect personal data on every core, flag what the register forbids.

`scan_paths` is pure of the store (the register is an argument); `store_findings` writes the flags
and the SCAN_COMPLETED audit entry; `known_subjects` builds a matcher from the store.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import PrivacydeskError
from privacydesk.register.model import Register
from privacydesk.scan.detectors import Hit, Kind, detect
from privacydesk.scan.extract import Segment, files_under, segments
from privacydesk.scan.findings import flag_reason, raise_finding
from privacydesk.scan.known import KnownSubjects
from privacydesk.scan.parallel import parallel_map
from privacydesk.store.crypto import Keyring, open_json
from privacydesk.store.models.subjects import Identifier, Subject, SubjectKey

_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Found:
    """One identifier found in a file: where (place and line), what, and whether it must be flagged."""

    source: str
    place: str
    line: int
    kind: Kind
    value: str
    flag: str | None = None
    subjects: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        return f"{self.place}, line {self.line}" if self.place else f"line {self.line}"

    @property
    def masked(self) -> str:
        return mask(self.value)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.source,
            "location": self.location,
            "kind": str(self.kind),
            "value": self.masked,
            "flag": self.flag,
            "subjects": list(self.subjects),
        }


def mask(value: str) -> str:
    """Enough of a value to recognise it on screen, not enough to copy it."""
    keep = 2 if len(value) <= 10 else 4
    return value[:keep] + "…" + value[-2:] if len(value) > 6 else value[:1] + "…"


@dataclass
class FileResult:
    source: str
    found: list[Found] = field(default_factory=list)
    texts: list[Segment] = field(default_factory=list)
    error: str | None = None


@dataclass
class ScanReport:
    files: int = 0
    found: list[Found] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[Found]:
        return [f for f in self.found if f.flag]


def _lines(segment: Segment, hits: list[Hit]) -> Iterable[tuple[int, Hit]]:
    starts = [0] + [m.end() for m in _NEWLINE.finditer(segment.text)] if hits else []
    for hit in hits:
        yield segment.first_line + bisect_right(starts, hit.start) - 1, hit


def scan_file(path: Path, register: Register | None = None, keep_text: bool = False) -> FileResult:
    """What the detectors find in one file (a worker's unit of work); errors are reported, not raised."""
    result = FileResult(str(path))
    try:
        for segment in segments(path):
            for line, hit in _lines(segment, detect(segment.text)):
                result.found.append(
                    Found(
                        segment.source,
                        segment.place,
                        line,
                        hit.kind,
                        hit.value,
                        flag_reason(hit.kind, register),
                    )
                )
            if keep_text:
                result.texts.append(segment)
    except PrivacydeskError as exc:
        result.error, result.found, result.texts = exc.message, [], []
    return result


@dataclass(frozen=True)
class _Job:
    register: Register | None
    keep_text: bool

    def __call__(self, path: Path) -> FileResult:
        return scan_file(path, self.register, self.keep_text)


def scan_paths(
    paths: list[Path],
    *,
    register: Register | None = None,
    known: KnownSubjects | None = None,
    workers: int | None = None,
) -> ScanReport:
    """Scan files and directories on `workers` cores; with `known`, also name the subjects mentioned."""
    report = ScanReport()
    files = list(files_under(paths))
    for result in parallel_map(_Job(register, known is not None), files, workers=workers):
        report.files += 1
        if result.error:
            report.errors.append(result.error)
        report.found.extend(result.found)
        if known is not None:
            report.found.extend(_mentions(known, result.texts))
    return report


def _mentions(known: KnownSubjects, texts: list[Segment]) -> Iterable[Found]:
    for segment in texts:
        hits = [Hit(m.kind, m.start, m.end, m.subject) for m in known.match(segment.text)]
        for line, hit in _lines(segment, hits):
            value = segment.text[hit.start : hit.end]
            yield Found(segment.source, segment.place, line, hit.kind, value, None, (hit.value,))


def store_findings(session: Session, *, keyring: Keyring, report: ScanReport, actor: str) -> int:
    """Raise a finding for every flagged identifier (once per place); returns how many are new."""
    new = 0
    for found in report.flagged:
        _, created = raise_finding(
            session,
            keyring=keyring,
            kind=found.kind,
            reason=found.flag or "",
            source=found.source,
            location=found.location,
            value=found.value,
            subject_ref=found.subjects[0] if found.subjects else None,
            actor=actor,
        )
        new += created
    audit.record(
        session,
        action=audit.Action.SCAN_COMPLETED,
        actor=actor,
        target_type="scan",
        details={
            "files": report.files,
            "found": len(report.found),
            "flagged": len(report.flagged),
            "new": new,
        },
    )
    return new


def known_subjects(session: Session, *, keyring: Keyring) -> KnownSubjects:
    """A matcher over every subject in the store: identifiers through the blind index (no
    decryption), full names decrypted once under each subject's key."""
    index: dict[tuple[str, str], list[str]] = {}
    rows = session.execute(
        select(Identifier.kind, Identifier.blind_index, Subject.ref)
        .join(Subject, Subject.id == Identifier.subject_id)
        .where(Identifier.kind.in_(("email", "phone", "iban")), Subject.erased_at.is_(None))
    )
    for kind, blind, ref in rows:
        index.setdefault((kind, blind), []).append(ref)
    known = KnownSubjects(
        lookup=lambda kind, value: index.get((str(kind), keyring.blind_index(str(kind), value)), ())
    )
    for ref, name in _names(session, keyring):
        known.add_name(ref, name)
    return known


def _names(session: Session, keyring: Keyring) -> Iterable[tuple[str, str]]:
    rows = session.execute(
        select(Subject.ref, SubjectKey.wrapped_key, Identifier.value_enc)
        .join(SubjectKey, SubjectKey.subject_id == Subject.id)
        .join(Identifier, Identifier.subject_id == Subject.id)
        .where(
            Identifier.kind == "name", Identifier.value_enc.is_not(None), SubjectKey.wrapped_key.is_not(None)
        )
    )
    for ref, wrapped, blob in rows:
        assert blob is not None  # filtered in the query
        dek = keyring.unwrap(wrapped, ref)
        yield ref, str(open_json(dek, blob, f"id:{ref}:name".encode()))
