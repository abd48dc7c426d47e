"""consent: the append-only consent ledger and the suppression list

Revision ID: 0005_consent
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base
from privacydesk.store.append_only import protect, unprotect

revision: str = "0005_consent"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("visitor_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("ground", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("register_version", sa.Integer(), nullable=True),
        sa.Column("consent_revision", sa.Integer(), nullable=False),
        sa.Column("notice_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("ip_prefix", sa.String(length=45), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
        sa.UniqueConstraint("record_id", name=op.f("uq_consent_events_record_id")),
    )
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.create_index("ix_consent_events_subject_purpose", ["subject_id", "purpose"], unique=False)
        batch_op.create_index("ix_consent_events_visitor_purpose", ["visitor_id", "purpose"], unique=False)
    op.create_table(
        "consent_suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("added_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_suppressions")),
        sa.UniqueConstraint("email_hash", name=op.f("uq_consent_suppressions_email_hash")),
    )
    protect("consent_events")


def downgrade() -> None:
    unprotect("consent_events")
    op.drop_table("consent_suppressions")
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_events_visitor_purpose")
        batch_op.drop_index("ix_consent_events_subject_purpose")
    op.drop_table("consent_events")
