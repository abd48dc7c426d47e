"""Migrations: an empty database upgrades to head, and the models and migrations agree."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory

from privacydesk.store.db import Database, alembic_config


def test_the_migrations_have_a_single_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"merge the migration heads: {heads}"


def test_an_empty_database_upgrades_to_head_and_matches_the_models(db_url: str) -> None:
    db = Database(db_url)  # the fixture's database was migrated by store.db.migrate
    cfg = alembic_config(db_url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises when models and migrations disagree
    db.dispose()
