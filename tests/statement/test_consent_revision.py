"""The consent revision in force, as the consent engine reads it."""

from __future__ import annotations

from privacydesk.statement.versions import current_consent_revision
from privacydesk.store.db import Database


def test_without_a_register_the_consent_revision_is_one(db: Database) -> None:
    with db.session_scope(readonly=True) as session:
        assert current_consent_revision(session) == 1


def test_before_any_publication_it_is_the_registers_own_revision(loaded_db: Database) -> None:
    with loaded_db.session_scope(readonly=True) as session:
        assert current_consent_revision(session) == 1
