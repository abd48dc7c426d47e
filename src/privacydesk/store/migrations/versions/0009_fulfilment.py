"""Fulfilment: processor erasure tasks, single-use download links, per-purpose blocks.

Revision ID: 0009_fulfilment
Revises: 0003_store
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base

revision: str = "0009_fulfilment"
down_revision: str | Sequence[str] | None = "0003_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = privacydesk.store.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "processor_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_key", sa.String(length=64), nullable=False),
        sa.Column("subject_ref", sa.String(length=32), nullable=False),
        sa.Column("request_ref", sa.String(length=64), nullable=True),
        sa.Column("task_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("done_at", UTC(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processor_tasks")),
    )
    with op.batch_alter_table("processor_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_processor_tasks_status", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_processor_tasks_subject_ref"), ["subject_ref"], unique=False)
    op.create_table(
        "downloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("claimed_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downloads")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_downloads_token_hash")),
    )
    op.create_table(
        "purpose_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_purpose_blocks_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purpose_blocks")),
    )
    with op.batch_alter_table("purpose_blocks", schema=None) as batch_op:
        batch_op.create_index("ix_purpose_blocks_subject_purpose", ["subject_id", "purpose"], unique=False)


def downgrade() -> None:
    op.drop_table("purpose_blocks")
    op.drop_table("downloads")
    with op.batch_alter_table("processor_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processor_tasks_subject_ref"))
        batch_op.drop_index("ix_processor_tasks_status")
    op.drop_table("processor_tasks")
