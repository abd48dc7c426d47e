"""Art. 1 (and 8): the data held is the data the statement names, and nothing it forbids."""

from __future__ import annotations

from sqlalchemy import func, select

from privacydesk.check.model import Context, Violation
from privacydesk.register.model import Register
from privacydesk.store.models.findings import Finding
from privacydesk.store.models.subjects import Record, Subject

SAMPLE = 10


def _why_not_named(reg: Register, category: str, purpose: str, subject_type: str) -> str | None:
    found = reg.purpose(purpose)
    if found is None:
        return f"purpose '{purpose}' is not in the statement"
    if reg.category(category) is None or category not in found.categories:
        return f"category '{category}' is not named for purpose '{purpose}'"
    if reg.subject_type(subject_type) is None or subject_type not in found.subject_types:
        return f"people of type '{subject_type}' are not named for purpose '{purpose}'"
    return None


def _ids(ctx: Context, category: str, purpose: str, subject_type: str) -> list[int]:
    query = (
        select(Record.id)
        .join(Subject, Subject.id == Record.subject_id)
        .where(Record.category == category, Record.purpose == purpose, Subject.subject_type == subject_type)
        .order_by(Record.id)
        .limit(SAMPLE)
    )
    return list(ctx.session.execute(query).scalars())


def data_not_named(ctx: Context) -> list[Violation]:
    """Records held in a category, for a purpose or about a kind of person the statement does not name."""
    groups = ctx.session.execute(
        select(Record.category, Record.purpose, Subject.subject_type, func.count())
        .join(Subject, Subject.id == Record.subject_id)
        .group_by(Record.category, Record.purpose, Subject.subject_type)
        .order_by(Record.purpose, Record.category)
    ).all()
    out = []
    for category, purpose, subject_type, count in groups:
        why = _why_not_named(ctx.register, category, purpose, subject_type)
        if why is not None:
            ids = _ids(ctx, category, purpose, subject_type)
            evidence = {"purpose": purpose, "category": category, "subject_type": subject_type,
                        "records": count, "record_ids": ids}  # fmt: skip
            out.append(
                Violation(
                    why, evidence, "add it to the register and publish the statement, or delete the records"
                )
            )
    return out + _subjects_of_unknown_type(ctx)


def _subjects_of_unknown_type(ctx: Context) -> list[Violation]:
    rows = ctx.session.execute(
        select(Subject.subject_type, func.count())
        .where(Subject.erased_at.is_(None))
        .group_by(Subject.subject_type)
    ).all()
    return [
        Violation(
            f"people of type '{kind}' are held, but the statement does not name that group",
            {"subject_type": kind, "subjects": count},
            "add the group to the register's subject_types and publish the statement, or remove these people",
        )
        for kind, count in rows
        if ctx.register.subject_type(kind) is None
    ]


def forbidden_data(ctx: Context) -> list[Violation]:
    """A BSN or other data the register forbids, in the store or found by the scanner and still open."""
    forbidden = [c.key for c in ctx.register.categories if c.forbidden]
    out = []
    if forbidden:
        rows = ctx.session.execute(
            select(Record.category, func.count(), func.min(Record.id))
            .where(Record.category.in_(forbidden))
            .group_by(Record.category)
        ).all()
        out += [
            Violation(f"{count} record(s) of forbidden category '{cat}' in the store",
                      {"category": cat, "records": count, "first_record_id": first},
                      "delete these records (`privacydesk subjects`), and stop collecting this data")
            for cat, count, first in rows
        ]  # fmt: skip
    return out + [_finding_violation(f) for f in _open_forbidden_findings(ctx)]


def _open_forbidden_findings(ctx: Context) -> list[Finding]:
    query = (
        select(Finding).where(Finding.status == "open", Finding.reason == "forbidden").order_by(Finding.id)
    )
    return list(ctx.session.execute(query).scalars())


def _finding_violation(finding: Finding) -> Violation:
    where = f"message {finding.message_id}" if finding.message_id is not None else "a scanned file"
    return Violation(
        f"a {finding.kind.upper() if finding.kind == 'bsn' else finding.kind} was found in {where} "
        "and is still there",
        {
            "finding_id": finding.id,
            "kind": finding.kind,
            "message_id": finding.message_id,
            "subject_ref": finding.subject_ref,
            "location": finding.location,
            "raised_at": finding.raised_at.date().isoformat(),
        },
        f"remove the value from the source, then `privacydesk findings resolve {finding.id}`",
    )
