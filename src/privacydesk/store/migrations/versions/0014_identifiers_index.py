"""Drop `ix_identifiers_subject_id`: the unique (subject_id, kind, blind_index) index already
leads with subject_id, so the second index only cost every import and every erasure a B-tree more.

Revision ID: 0014_identifiers_index
Revises: 0013_cookie_scans
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_identifiers_index"
down_revision: str | Sequence[str] | None = "0013_cookie_scans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identifiers_subject_id"))


def downgrade() -> None:
    with op.batch_alter_table("identifiers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identifiers_subject_id"), ["subject_id"], unique=False)
