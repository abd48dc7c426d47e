"""The statement as the portal serves it: pages for the version in force, earlier versions and the list.

Plain functions of a session; the web route only negotiates the language and sets caching headers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from privacydesk.errors import NotFound
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.statement import render, words
from privacydesk.statement.versions import get_statement, latest_statement, list_statements
from privacydesk.store.models.statement import StatementVersion

CSS_PATH = "/privacy/statement.css"
LINKS = {
    "nl": {"versions": "Eerdere versies", "current": "Geldende versie", "other": "English"},
    "en": {"versions": "Earlier versions", "current": "Version in force", "other": "Nederlands"},
}


@dataclass(frozen=True)
class PortalPage:
    """A page and what a cache needs to know about it."""

    html: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.html.encode()).hexdigest()[:32] + '"'


def _links(lang: str, path: str) -> tuple[tuple[str, str, str | None], ...]:
    other = "en" if lang == "nl" else "nl"
    words_ = LINKS[lang]
    return (
        (f"/privacy?lang={lang}", words_["current"], None),
        (f"/privacy/versions?lang={lang}", words_["versions"], None),
        (f"{path}?lang={other}", words_["other"], other),
    )


def _page(
    reg: Register, lang: str, meta: render.Meta, title: str, path: str, notice: str | None
) -> render.Page:
    # The stylesheet's own hash in its URL: a new release or colour is never hidden by a cached copy.
    sheet = render.stylesheet(reg.controller.branding.primary_color)
    css = f"{CSS_PATH}?v={hashlib.sha256(sheet.encode()).hexdigest()[:12]}"
    return render.Page(
        lang, title, meta, reg.controller.branding.primary_color, css, _links(lang, path), notice
    )


def _published_page(
    session: Session, statement: StatementVersion, lang: str, notice: str | None
) -> PortalPage:
    _, reg = current_register(session)
    kept = statement.renderings[lang]
    meta = render.Meta(str(statement.number), statement.effective_date)
    path = "/privacy" if notice is None else f"/privacy/v/{statement.number}"
    page = _page(reg, lang, meta, kept["title"], path, notice)
    return PortalPage(render.html_document(kept["html"], page), statement.published_at)


def current_page(session: Session, *, lang: str) -> PortalPage:
    """The statement in force: the latest published version, or, before any, the register's own render."""
    words.check_language(lang)
    statement = latest_statement(session)
    if statement is not None:
        return _published_page(session, statement, lang, None)
    version, reg = current_register(session)
    page = _page(reg, lang, render.meta_of(reg), render.title(reg, lang), "/privacy", None)
    return PortalPage(render.html_document(render.render_body(reg, lang, "html"), page), version.loaded_at)


def _earlier_notice(statement: StatementVersion, latest: StatementVersion, lang: str) -> str | None:
    if statement.number == latest.number:
        return None
    day = words.long_date(latest.effective_date, lang)
    if lang == "en":
        return (
            f"This is an earlier version. Version {latest.number} has been in force since {day}: "
            "see “Version in force” above."
        )
    return (
        f"Dit is een eerdere versie. Sinds {day} geldt versie {latest.number}: "
        "zie „Geldende versie” hierboven."
    )


def version_page(session: Session, *, number: int, lang: str) -> PortalPage:
    """Published version `number`, as it was published, with a note when a newer one is in force."""
    words.check_language(lang)
    statement = get_statement(session, number=number)
    latest = latest_statement(session)
    assert latest is not None  # `statement` exists, so a latest one does
    return _published_page(session, statement, lang, _earlier_notice(statement, latest, lang))


def versions_page(session: Session, *, lang: str) -> PortalPage:
    """The list of published versions, newest first, each linked."""
    words.check_language(lang)
    version, reg = current_register(session)
    statements = list_statements(session)
    body = (
        render.environment("html").get_template("versions.html.j2").render(statements=statements, lang=lang)
    )
    title = (
        "Versions of the privacy statement " if lang == "en" else "Versies van de privacyverklaring "
    ) + (reg.controller.display_name)
    latest = statements[0] if statements else None
    meta = render.Meta(str(latest.number), latest.effective_date) if latest else render.meta_of(reg)
    page = _page(reg, lang, meta, title, "/privacy/versions", None)
    modified = latest.published_at if latest else version.loaded_at
    return PortalPage(render.html_document(body, page), modified)


def stylesheet(session: Session) -> str:
    """The statement stylesheet in the colour of the register in force (the default colour without one)."""
    try:
        _, reg = current_register(session)
    except NotFound:
        return render.stylesheet()
    return render.stylesheet(reg.controller.branding.primary_color)
