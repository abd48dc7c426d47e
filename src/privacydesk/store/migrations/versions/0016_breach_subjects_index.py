"""Index `breach_subjects.subject_id`. The primary key (breach_id, subject_id) leads with the breach,
so removing a subject (retention, erasure) made SQLite's ON DELETE CASCADE scan the whole table for
every subject removed.

Revision ID: 0016_breach_subjects_index
Revises: 0015_records_expiry_index
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_breach_subjects_index"
down_revision: str | Sequence[str] | None = "0015_records_expiry_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("breach_subjects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_subjects_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("breach_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_subjects_subject_id"))
