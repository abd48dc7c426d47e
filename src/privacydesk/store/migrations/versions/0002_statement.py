"""statement versions

Revision ID: 0002_statement
Revises: 0001_foundation
Create Date: 2026-11-25 09:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base
from privacydesk.store.append_only import protect, unprotect

revision: str = "0002_statement"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("register_version_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("consent_revision", sa.Integer(), nullable=False),
        sa.Column("material_changes", sa.JSON(), nullable=False),
        sa.Column("renderings", sa.JSON(), nullable=False),
        sa.Column("published_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_version_id"],
            ["register_versions.id"],
            name=op.f("fk_statement_versions_register_version_id_register_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_statement_versions_number")),
    )
    with op.batch_alter_table("statement_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_versions_content_hash"), ["content_hash"], unique=False
        )
    # A published statement is proof of what was promised: never changed afterwards.
    protect("statement_versions")


def downgrade() -> None:
    unprotect("statement_versions")
    with op.batch_alter_table("statement_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_versions_content_hash"))
    op.drop_table("statement_versions")
