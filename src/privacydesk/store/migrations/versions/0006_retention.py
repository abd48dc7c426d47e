"""Retention: legal holds, retention runs and their queue, anonymised records, the rules' version.

Revision ID: 0006_retention
Revises: 0003_store
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base

revision: str = "0006_retention"
down_revision: str | Sequence[str] | None = "0003_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = privacydesk.store.base.UTCDateTime


# A legal hold binds in the database itself: whatever code path tries it (an erasure request, a
# script), deleting a held subject or record, or destroying a held subject's key, is refused.
_ACTIVE = "h.lifted_at IS NULL AND (h.ends_on IS NULL OR h.ends_on >= {today})"
_GUARDS = {  # table -> (the event, which holds bind the row)
    "subjects": ("DELETE", "h.subject_id = OLD.id"),
    "records": ("DELETE", "(h.record_id = OLD.id OR h.subject_id = OLD.subject_id)"),
    "subject_keys": ("UPDATE OF wrapped_key", "h.subject_id = OLD.subject_id AND NEW.wrapped_key IS NULL"),
}


def _sqlite_guards() -> None:
    active = _ACTIVE.format(today="date('now')")
    for table, (event, match) in _GUARDS.items():
        held = f"SELECT 1 FROM legal_holds h WHERE {active} AND {match}"
        op.execute(
            f"CREATE TRIGGER {table}_hold_guard BEFORE {event} ON {table} WHEN EXISTS ({held}) "
            f"BEGIN SELECT RAISE(ABORT, '{table}: under a legal hold'); END"
        )


def _postgres_guards() -> None:
    for table, (event, match) in _GUARDS.items():
        held = f"SELECT 1 FROM legal_holds h WHERE {_ACTIVE.format(today='current_date')} AND {match}"
        op.execute(
            f"CREATE OR REPLACE FUNCTION privacydesk_{table}_hold_guard() RETURNS trigger AS $$ "
            f"BEGIN IF EXISTS ({held}) THEN RAISE EXCEPTION '{table}: under a legal hold'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_hold_guard BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION privacydesk_{table}_hold_guard()"
        )


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_by", sa.String(length=100), nullable=False),
        sa.Column("placed_at", UTC(timezone=True), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("lifted_at", UTC(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=100), nullable=True),
        sa.Column("lift_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_legal_holds_record_id_records"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_legal_holds_subject_id_subjects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index("ix_legal_holds_active", ["lifted_at", "subject_id", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_holds_record_id"), ["record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_legal_holds_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "retention_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("register_version", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC(timezone=True), nullable=False),
        sa.Column("finished_at", UTC(timezone=True), nullable=True),
        sa.Column("subjects_queued", sa.Integer(), nullable=False),
        sa.Column("last_subject_id", sa.Integer(), nullable=False),
        sa.Column("records_deleted", sa.Integer(), nullable=False),
        sa.Column("records_anonymised", sa.Integer(), nullable=False),
        sa.Column("subjects_deleted", sa.Integer(), nullable=False),
        sa.Column("records_held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    with op.batch_alter_table("retention_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_runs_status"), ["status"], unique=False)

    op.create_table(
        "retention_queue",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_runs.id"],
            name=op.f("fk_retention_queue_run_id_retention_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "subject_id", name=op.f("pk_retention_queue")),
    )
    op.create_table(
        "anonymised_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=True),
        sa.Column("kept", sa.JSON(), nullable=False),
        sa.Column("anonymised_on", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymised_records")),
    )
    with op.batch_alter_table("anonymised_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anonymised_records_purpose"), ["purpose"], unique=False)

    op.create_table(
        "retention_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_state")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_guards()
    else:
        _sqlite_guards()


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _GUARDS:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_hold_guard" + (f" ON {table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS privacydesk_{table}_hold_guard()")
    op.drop_table("retention_state")
    op.drop_table("anonymised_records")
    op.drop_table("retention_queue")
    op.drop_table("retention_runs")
    op.drop_table("legal_holds")
