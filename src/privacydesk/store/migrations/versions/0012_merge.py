"""Join the areas' migrations (built in parallel, each on the foundation or the store) into one head.

Revision ID: 0012_merge
Revises: 0002_statement, 0004_requests, 0005_consent, 0006_retention, 0007_findings, 0008_outbox,
    0009_fulfilment, 0011_breaches
"""

from collections.abc import Sequence

revision: str = "0012_merge"
down_revision: str | Sequence[str] | None = (
    "0002_statement",
    "0004_requests",
    "0005_consent",
    "0006_retention",
    "0007_findings",
    "0008_outbox",
    "0009_fulfilment",
    "0011_breaches",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
