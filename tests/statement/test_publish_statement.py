"""Publishing the statement: numbered versions with effective date, register version and content
hash, nothing new for an unchanged statement, and a consent revision that rises on material change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from privacydesk.errors import Refused
from privacydesk.register.load import load_register_text
from privacydesk.register.service import store_register_version
from privacydesk.statement.versions import (
    compare_statements,
    current_consent_revision,
    list_statements,
    publish_statement,
)
from privacydesk.store.db import Database
from privacydesk.store.models.core import AuditEntry
from tests.statement.conftest import ocqto_with

DAY = date(2026, 11, 25)


def load(db: Database, register_text: str) -> None:
    with db.session_scope() as session:
        store_register_version(session, loaded=load_register_text(register_text), actor="test")


def publish(db: Database, day: date = DAY) -> tuple[int, bool, int]:
    with db.session_scope() as session:
        result = publish_statement(session, effective_date=day, actor="test")
        return result.statement.number, result.created, result.statement.consent_revision


def test_publishing_stores_number_date_register_version_hash_and_both_languages(loaded_db: Database) -> None:
    assert publish(loaded_db) == (1, True, 1)
    with loaded_db.session_scope(readonly=True) as session:
        [statement] = list_statements(session)
        assert statement.effective_date == DAY
        assert statement.register_version_id is not None
        assert len(statement.content_hash) == 64
        assert "Versie 1 · geldig vanaf 25 november 2026" in statement.renderings["nl"]["markdown"]
        assert "Version 1 · effective 25 November 2026" in statement.renderings["en"]["markdown"]
        assert '<h2 id="rechten">' in statement.renderings["nl"]["html"]


def test_publishing_writes_an_audit_entry(loaded_db: Database) -> None:
    publish(loaded_db)
    with loaded_db.session_scope(readonly=True) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "statement.published")
        ).scalar_one()
        assert entry.target_id == "1"
        assert entry.details["consent_revision"] == 1


def test_an_unchanged_statement_is_not_published_again(loaded_db: Database) -> None:
    publish(loaded_db)
    assert publish(loaded_db, date(2026, 12, 1)) == (1, False, 1)


def test_a_new_recipient_is_material_and_raises_the_consent_revision(loaded_db: Database) -> None:
    publish(loaded_db)
    load(loaded_db, ocqto_with(recipient=True))
    assert publish(loaded_db, date(2026, 12, 1)) == (2, True, 2)
    with loaded_db.session_scope(readonly=True) as session:
        assert current_consent_revision(session) == 2
        assert list_statements(session)[0].material_changes[0].startswith("New recipient: Mailchimp")


def test_a_longer_retention_period_is_published_without_asking_consent_again(loaded_db: Database) -> None:
    publish(loaded_db)
    load(loaded_db, ocqto_with(retention=True))
    assert publish(loaded_db, date(2026, 12, 1)) == (2, True, 1)


def test_a_new_cookie_that_needs_consent_raises_the_revision_one_that_does_not_leaves_it(
    loaded_db: Database,
) -> None:
    publish(loaded_db)
    load(loaded_db, ocqto_with(cookie="no_consent"))
    assert publish(loaded_db, date(2026, 12, 1)) == (2, True, 1)
    load(loaded_db, ocqto_with(cookie="consent"))
    assert publish(loaded_db, date(2026, 12, 2)) == (3, True, 2)


def test_an_effective_date_before_the_last_version_is_refused(loaded_db: Database) -> None:
    publish(loaded_db)
    load(loaded_db, ocqto_with(retention=True))
    with pytest.raises(Refused, match="already takes effect on 2026-11-25"):
        publish(loaded_db, date(2026, 11, 1))


def test_comparing_two_versions_says_what_changed_in_plain_words(loaded_db: Database) -> None:
    publish(loaded_db)
    load(loaded_db, ocqto_with(recipient=True, retention=True))
    publish(loaded_db, date(2026, 12, 1))
    with loaded_db.session_scope(readonly=True) as session:
        comparison = compare_statements(session, old=1, new=2)
        texts = [c.text for c in comparison.changes]
        assert texts[0].startswith("New recipient: Mailchimp (processor, based in the United States")
        assert any(
            t.startswith("Retention for 'Handling your payment' changed") and "P10Y" in t for t in texts
        )
        assert any("+### Mailchimp" == line for line in comparison.text["nl"])


def test_a_published_version_cannot_be_changed_afterwards(loaded_db: Database) -> None:
    publish(loaded_db)
    with pytest.raises(DatabaseError, match="append-only"):
        with loaded_db.session_scope() as session:
            session.execute(text("UPDATE statement_versions SET effective_date = effective_date"))
