"""The findings of each cookie scan, so that the check can name the cookie and the page.

Revision ID: 0013_cookie_scans
Revises: 0012_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base

revision: str = "0013_cookie_scans"
down_revision: str | Sequence[str] | None = "0012_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cookie_scan_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scan_seq", sa.Integer(), nullable=False),
        sa.Column("scanned_at", privacydesk.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("item", sa.String(length=500), nullable=False),
        sa.Column("page", sa.String(length=1000), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cookie_scan_findings")),
    )
    with op.batch_alter_table("cookie_scan_findings", schema=None) as batch_op:
        batch_op.create_index("ix_cookie_scan_findings_scan_seq", ["scan_seq"], unique=False)


def downgrade() -> None:
    op.drop_table("cookie_scan_findings")
