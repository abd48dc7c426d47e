"""Published statement versions: publish, list, fetch, compare, and the consent revision in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import NotFound, Refused
from privacydesk.register.load import load_register_text
from privacydesk.register.model import Register
from privacydesk.register.service import current_register, register_of
from privacydesk.register.service import latest_version as latest_register_version
from privacydesk.statement import diff, render, words
from privacydesk.store.models.core import RegisterVersion
from privacydesk.store.models.statement import StatementVersion


def latest_statement(session: Session) -> StatementVersion | None:
    """The statement version published last, or None."""
    return session.execute(
        select(StatementVersion).order_by(StatementVersion.number.desc()).limit(1)
    ).scalar_one_or_none()


def current_consent_revision(session: Session) -> int:
    """The consent revision people were last asked under: a consent given under a lower one is stale.

    It is the revision of the latest published statement; before any is published, the one the
    register in force declares; with no register at all, 1.
    """
    statement = latest_statement(session)
    if statement is not None:
        return statement.consent_revision
    version = latest_register_version(session)
    return register_of(version).consent_revision if version is not None else 1


def list_statements(session: Session) -> list[StatementVersion]:
    """Every published version, newest first."""
    return list(session.execute(select(StatementVersion).order_by(StatementVersion.number.desc())).scalars())


def get_statement(session: Session, *, number: int) -> StatementVersion:
    found = session.execute(
        select(StatementVersion).where(StatementVersion.number == number)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(
            f"there is no published statement version {number}",
            hint="`privacydesk statement list` shows the published versions",
        )
    return found


def register_of_statement(session: Session, statement: StatementVersion) -> Register:
    """The register a published version was rendered from."""
    version = session.get(RegisterVersion, statement.register_version_id)
    assert version is not None  # a foreign key guarantees it
    return register_of(version)


def renderings(reg: Register, meta: render.Meta) -> dict[str, Any]:
    """What is kept of a published version per language: its title, Markdown and HTML body."""
    return {
        lang: {
            "title": render.title(reg, lang),
            "markdown": render.render_markdown(reg, lang, meta),
            "html": render.render_body(reg, lang, "html"),
        }
        for lang in words.LANGUAGES
    }


def _consent_revision(reg: Register, previous: StatementVersion | None, material: bool) -> int:
    if previous is None:
        return reg.consent_revision
    return max(reg.consent_revision, previous.consent_revision + (1 if material else 0))


@dataclass(frozen=True)
class Publication:
    """The outcome of `publish_statement`: the version in force and whether it is new."""

    statement: StatementVersion
    created: bool
    changes: list[diff.Change]


def publish_statement(session: Session, *, effective_date: date, actor: str) -> Publication:
    """Publish the statement of the register in force as a new version, unless it says nothing new.

    1. The register must pass `register check` without errors.
    2. Same content as the last published version: nothing is stored.
    3. A material change (new purpose, recipient, or cookie that needs consent) raises the consent revision.
    """
    register_version, reg = current_register(session)
    render.refuse_errors(load_register_text(register_version.yaml_text, register_version.source_name))
    previous = latest_statement(session)
    content_hash = render.content_hash(reg)
    if previous is not None and previous.content_hash == content_hash:
        return Publication(previous, False, [])
    _refuse_going_back(previous, effective_date)
    changes = diff.compare(register_of_statement(session, previous), reg) if previous else []
    material = [c.text for c in changes if c.material]
    number = (session.execute(select(func.max(StatementVersion.number))).scalar() or 0) + 1
    statement = StatementVersion(
        number=number,
        effective_date=effective_date,
        register_version_id=register_version.id,
        content_hash=content_hash,
        consent_revision=_consent_revision(reg, previous, bool(material)),
        material_changes=material,
        renderings=renderings(reg, render.Meta(str(number), effective_date)),
        published_by=actor,
    )
    session.add(statement)
    session.flush()
    _audit_publication(session, statement, register_version, actor)
    return Publication(statement, True, changes)


def _refuse_going_back(previous: StatementVersion | None, effective_date: date) -> None:
    if previous is not None and effective_date < previous.effective_date:
        raise Refused(
            f"version {previous.number} already takes effect on {previous.effective_date}",
            hint="give an effective date on or after that day",
        )


def _audit_publication(
    session: Session, statement: StatementVersion, register_version: RegisterVersion, actor: str
) -> None:
    audit.record(
        session,
        action=audit.Action.STATEMENT_PUBLISHED,
        actor=actor,
        target_type="statement_version",
        target_id=statement.number,
        details={
            "content_hash": statement.content_hash,
            "register_version": register_version.number,
            "consent_revision": statement.consent_revision,
            "material_changes": len(statement.material_changes),
        },
    )


@dataclass(frozen=True)
class Comparison:
    """Two published versions compared: the changes in plain words, and the text diff per language."""

    old: StatementVersion
    new: StatementVersion
    changes: list[diff.Change]
    text: dict[str, list[str]]


def compare_statements(session: Session, *, old: int, new: int) -> Comparison:
    a, b = get_statement(session, number=old), get_statement(session, number=new)
    changes = diff.compare(register_of_statement(session, a), register_of_statement(session, b))
    text = {
        lang: diff.text_diff(
            a.renderings[lang]["markdown"], b.renderings[lang]["markdown"], f"version {old}", f"version {new}"
        )
        for lang in words.LANGUAGES
    }
    return Comparison(a, b, changes, text)
