"""The breach register (GDPR art. 33(5)).

Revision ID: 0011_breaches
Revises: 0003_store
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base

revision: str = "0011_breaches"
down_revision: str | Sequence[str] | None = "0003_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("detected_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("aware_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("nature", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("records_count", sa.Integer(), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("consequences", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("ap_notified_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ap_reference", sa.String(length=100), nullable=True),
        sa.Column("people_notified_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaches")),
        sa.UniqueConstraint("ref", name=op.f("uq_breaches_ref")),
    )
    op.create_table(
        "breach_subjects",
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"],
            ["breaches.id"],
            name=op.f("fk_breach_subjects_breach_id_breaches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_breach_subjects_subject_id_subjects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("breach_id", "subject_id", name=op.f("pk_breach_subjects")),
    )


def downgrade() -> None:
    op.drop_table("breach_subjects")
    op.drop_table("breaches")
