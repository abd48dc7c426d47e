"""requests: data-subject requests, their append-only steps, identity codes and ID copies

Revision ID: 0004_requests
Revises: 0003_store
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import privacydesk.store.base
from privacydesk.store.append_only import protect, unprotect

revision: str = "0004_requests"
down_revision: str | Sequence[str] | None = "0003_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = privacydesk.store.base.UTCDateTime


def _requests() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("matches", sa.Integer(), nullable=False),
        sa.Column("received_at", UTC(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("answer_term", sa.String(length=16), nullable=False),
        sa.Column("extension_months", sa.Integer(), nullable=False),
        sa.Column("paused_since", UTC(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("details_enc", sa.LargeBinary(), nullable=True),
        sa.Column("email_index", sa.String(length=64), nullable=True),
        sa.Column("source_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("answered_at", UTC(timezone=True), nullable=True),
        sa.Column("closed_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name=op.f("fk_subject_requests_subject_id_subjects"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_requests")),
        sa.UniqueConstraint("ref", name=op.f("uq_subject_requests_ref")),
        sa.UniqueConstraint("source_fingerprint", name=op.f("uq_subject_requests_source_fingerprint")),
    )
    with op.batch_alter_table("subject_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_requests_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_subject_requests_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subject_requests_email_index"), ["email_index"], unique=False)


def _child(name: str, *columns: sa.Column, cascade: bool = True) -> None:  # type: ignore[type-arg]
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_requests.id"],
            name=op.f(f"fk_{name}_request_id_subject_requests"),
            ondelete="CASCADE" if cascade else None,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_request_id"), ["request_id"], unique=False)


def upgrade() -> None:
    _requests()
    _child(
        "request_steps",
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("note_enc", sa.LargeBinary(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        cascade=False,
    )
    _child(
        "identity_challenges",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("expires_at", UTC(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("ended_at", UTC(timezone=True), nullable=True),
        sa.Column("ended_how", sa.String(length=16), nullable=True),
    )
    _child(
        "identity_documents",
        sa.Column("content_enc", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("check", sa.JSON(), nullable=False),
        sa.Column("uploaded_at", UTC(timezone=True), nullable=False),
    )
    protect("request_steps")


def downgrade() -> None:
    unprotect("request_steps")
    for name in ("identity_documents", "identity_challenges", "request_steps"):
        op.drop_table(name)
    op.drop_table("subject_requests")
