"""Art. 8 and the statement itself: the audit chain holds, backups are recent, owners use a second
factor, and the published statement says what the register in force says."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from privacydesk import audit, auth
from privacydesk.check.model import Context, Violation
from privacydesk.register.service import latest_version, register_of
from privacydesk.statement import render
from privacydesk.statement.versions import latest_statement
from privacydesk.store.models.core import AuditEntry, StaffUser


def audit_chain(ctx: Context) -> list[Violation]:
    report = audit.verify_chain(ctx.session, workers=1)
    if report.ok:
        return []
    return [
        Violation(
            "the audit log's hash chain is broken: an entry was altered, removed or reordered",
            {"entries": report.entries, "first_bad_seq": report.first_bad, "problem": report.problem},
            "restore the audit log from the newest good backup and find out who changed it; "
            "this may be a breach to record",
        )
    ]


def last_entry(ctx: Context, action: audit.Action) -> AuditEntry | None:
    query = (
        select(AuditEntry).where(AuditEntry.action == action.value).order_by(AuditEntry.seq.desc()).limit(1)
    )
    return ctx.session.execute(query).scalar_one_or_none()


def recent_backup(ctx: Context) -> list[Violation]:
    last = last_entry(ctx, audit.Action.BACKUP_CREATED)
    since = datetime.combine(ctx.today - timedelta(days=ctx.backup_max_age_days), time.min, tzinfo=UTC)
    if last is not None and last.at >= since:
        return []
    evidence: dict[str, object] = {"max_age_days": ctx.backup_max_age_days}
    if last is not None:
        evidence |= {"last_backup_on": last.at.date().isoformat(), "audit_seq": last.seq}
    what = "no backup was ever made" if last is None else "the last backup is older than allowed"
    return [Violation(what, evidence, "run `privacydesk backup FILE` (and schedule it daily)")]


def staff_without_second_factor(ctx: Context) -> list[Violation]:
    roles = [r.value for r in auth.ROLES_NEEDING_TOTP]
    users = ctx.session.execute(
        select(StaffUser.id, StaffUser.role)
        .where(StaffUser.active.is_(True), StaffUser.role.in_(roles), StaffUser.totp_confirmed.is_(False))
        .order_by(StaffUser.id)
    ).all()
    return [
        Violation(
            f"an account with role {role} logs in without two-factor authentication",
            {"user_id": user_id, "role": role},
            "log in to the admin with that account and set up the authenticator app it asks for",
        )
        for user_id, role in users
    ]


def statement_out_of_date(ctx: Context) -> list[Violation]:
    """The register in force (in the database) and the last published statement say the same."""
    version = latest_version(ctx.session)
    if version is None:
        return []
    statement = latest_statement(ctx.session)
    if statement is None:
        return [
            Violation(
                "no privacy statement has been published",
                {"register_version": version.number},
                "run `privacydesk statement publish`",
            )
        ]
    if statement.content_hash == render.content_hash(register_of(version)):
        return []
    return [
        Violation(
            "the register changed after the statement was published: the statement no longer tells the truth",
            {
                "statement_version": statement.number,
                "statement_effective": statement.effective_date.isoformat(),
                "register_version": version.number,
                "register_loaded_on": version.loaded_at.date().isoformat(),
            },
            "run `privacydesk statement publish` (people are asked again when the change is material)",
        )  # fmt: skip
    ]
