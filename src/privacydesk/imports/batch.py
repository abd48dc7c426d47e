"""What every import shares: the file's identity, a batch row, matching subjects, and the summary.

A file is imported in one transaction (whole or not at all); importing it again adds nothing,
because subjects are matched by normalised identifiers and records are idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.subjects import Identifier, ImportBatch, Subject
from privacydesk.subjects import add_identifiers, create_subject

MAX_FILE_BYTES = 2 * 1024**3
STRONG = ("email", "phone", "iban")


@dataclass
class Summary:
    """What an import did: counts, and every skipped row with its line and reason (no values)."""

    file: str
    added: int = 0
    matched: int = 0
    records: int = 0
    skipped: list[str] = field(default_factory=list)
    batch_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "added": self.added,
            "matched": self.matched,
            "records": self.records,
            "skipped": len(self.skipped),
            "skipped_reasons": self.skipped,
            "batch": self.batch_id,
        }


def file_digest(path: Path, *, max_bytes: int | None = MAX_FILE_BYTES) -> str:
    """SHA-256 of a file, read in chunks; refuses what is not a readable regular file, or is larger
    than `max_bytes` (None: any size, for imports that checkpoint)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnusableInput(f"{path}: no such file") from None
    if not path.is_file():
        raise UnusableInput(f"{path}: not a file")
    if max_bytes is not None and size > max_bytes:
        raise UnusableInput(f"{path}: larger than 2 GB", hint="split the file and import the parts")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def start_batch(session: Session, *, kind: str, path: Path, digest: str) -> ImportBatch:
    batch = ImportBatch(kind=kind, file_hash=digest, file_name=path.name[-255:])
    session.add(batch)
    session.flush()
    return batch


def finish_batch(session: Session, *, batch: ImportBatch, summary: Summary, actor: str) -> None:
    batch.finished_at = utcnow()
    batch.added, batch.matched, batch.skipped = summary.added, summary.matched, len(summary.skipped)
    summary.batch_id = batch.id
    audit.record(
        session,
        action=audit.Action.IMPORT_COMPLETED,
        actor=actor,
        target_type="import",
        target_id=batch.id,
        details={
            "kind": batch.kind,
            "file_sha256": batch.file_hash,
            "added": summary.added,
            "matched": summary.matched,
            "records": summary.records,
            "skipped": len(summary.skipped),
        },
    )


@dataclass
class Matcher:
    """Finds the subject an incoming row is about by its strong identifiers (blind index)."""

    session: Session
    keyring: Keyring
    register: Register
    actor: str
    subject_type: str
    owner_id: int | None = None

    def _match(self, pairs: list[tuple[str, str]]) -> Subject | None:
        indexes = [(k, self.keyring.blind_index(k, v)) for k, v in pairs if k in STRONG]
        if not indexes:  # only a name: the same name in the same list is the same entry
            indexes = [(k, self.keyring.blind_index(k, v)) for k, v in pairs if k == "name"]
        for kind, index in indexes:
            query = (
                select(Subject)
                .join(Identifier, Identifier.subject_id == Subject.id)
                .where(
                    Identifier.kind == kind,
                    Identifier.blind_index == index,
                    Subject.subject_type == self.subject_type,
                    Subject.erased_at.is_(None),
                )
            )
            if self.owner_id is not None:
                query = query.where(Subject.owner_id == self.owner_id)
            found = self.session.execute(query.limit(1)).scalar_one_or_none()
            if found is not None:
                return found
        return None

    def match_or_create(self, pairs: list[tuple[str, str]]) -> tuple[Subject, bool]:
        """(subject, created): an existing subject gains any new identifiers."""
        subject = self._match(pairs)
        if subject is not None:
            add_identifiers(self.session, keyring=self.keyring, subject=subject, pairs=pairs)
            return subject, False
        subject = create_subject(
            self.session,
            keyring=self.keyring,
            register=self.register,
            subject_type=self.subject_type,
            identifiers=pairs,
            owner_id=self.owner_id,
            actor=self.actor,
            audit_each=False,
        )
        return subject, True
