"""Single-use, expiring download links (art. 20 to another organisation, or the person's answer).

The token is 256 random bits, shown once; only its SHA-256 is stored. A claim succeeds once, in
one conditional UPDATE, so two clicks at the same moment cannot both get the file. Every refusal
looks the same (no hint whether the link ever existed) and is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound, UnusableInput
from privacydesk.store.base import utcnow
from privacydesk.store.models.fulfilment import Download

TOKEN_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_download(session: Session, *, path: Path, expires_at: datetime, actor: str) -> str:
    """A new link to `path` valid until `expires_at`; returns the token (shown once, never stored)."""
    if expires_at <= utcnow():
        raise UnusableInput("the link would already have expired", hint="give an expiry in the future")
    if not path.is_file():
        raise NotFound("the file to link to does not exist", hint="fulfil the request first")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = Download(token_hash=_hash(token), path=str(path), created_by=actor, expires_at=expires_at)
    session.add(row)
    session.flush()
    audit.record(
        session,
        action=audit.Action.EXPORT_CREATED,
        actor=actor,
        target_type="download",
        target_id=row.id,
        details={"expires_at": expires_at.isoformat()},
    )
    return token


def claim_download(session: Session, *, token: str) -> Path | None:
    """The file behind `token`, once; None alike when forged, used, expired or its file is gone.

    A refusal returns None rather than raising, so that its audit entry is committed with the
    caller's transaction instead of being rolled back with an exception.
    """
    digest, now = _hash(token), utcnow()
    claimed = session.execute(
        update(Download)
        .where(Download.token_hash == digest, Download.claimed_at.is_(None), Download.expires_at > now)
        .values(claimed_at=now)
        .returning(Download.id, Download.path)
    ).first()
    if claimed is None or not Path(claimed.path).is_file():
        known = session.execute(select(Download.id).where(Download.token_hash == digest)).scalar_one_or_none()
        audit.record(
            session,
            action=audit.Action.DOWNLOAD_REFUSED,
            actor="anonymous",
            target_type="download",
            target_id=known,
            details={"known": known is not None},
        )
        return None
    audit.record(
        session,
        action=audit.Action.REQUEST_DOWNLOADED,
        actor="anonymous",
        target_type="download",
        target_id=claimed.id,
    )
    return Path(claimed.path)


def revoke_downloads_of(session: Session, *, paths: list[Path]) -> int:
    """End every open link to `paths` (their files are being deleted)."""
    if not paths:
        return 0
    result = session.execute(
        update(Download)
        .where(Download.path.in_([str(p) for p in paths]), Download.claimed_at.is_(None))
        .values(expires_at=utcnow())
    )
    return result.rowcount or 0  # type: ignore[attr-defined]
