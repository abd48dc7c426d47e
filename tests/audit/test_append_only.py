"""The database itself refuses UPDATE and DELETE on the audit table (triggers from migration 0001)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from privacydesk.store.db import Database


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_entries SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_entries WHERE seq = 1"]
)
def test_the_application_cannot_update_or_delete_an_entry(chain: Database, sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), chain.engine.begin() as conn:
        conn.execute(text(sql))
