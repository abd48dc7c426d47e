"""Findings of the personal-data scanner, to resolve.

Revision ID: 0007_findings
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base

revision: str = "0007_findings"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("subject_ref", sa.String(length=32), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("resolved_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_findings_fingerprint")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index("ix_findings_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_subject_ref"), ["subject_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    op.drop_table("findings")
