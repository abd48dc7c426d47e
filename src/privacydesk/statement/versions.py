"""Published statement versions: publish, list, fetch, and the consent revision in force."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk.register.service import latest_version as latest_register_version
from privacydesk.register.service import register_of
from privacydesk.store.models.statement import StatementVersion


def latest_statement(session: Session) -> StatementVersion | None:
    """The statement version published last, or None."""
    return session.execute(
        select(StatementVersion).order_by(StatementVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def current_consent_revision(session: Session) -> int:
    """The consent revision people were last asked under: a consent given under a lower one is stale.

    It is the revision of the latest published statement; before any is published, the one the
    register in force declares; with no register at all, 1.
    """
    statement = latest_statement(session)
    if statement is not None:
        return statement.consent_revision
    version = latest_register_version(session)
    return register_of(version).consent_revision if version is not None else 1
