"""The register in the admin: read it in the statement's order; edit it as YAML, which becomes a new
register version only when `register check` finds no errors, after the statement diff was shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from privacydesk.auth import Permission
from privacydesk.errors import PrivacydeskError
from privacydesk.register.load import LoadedRegister, load_register_text
from privacydesk.register.model import Register
from privacydesk.register.rules import Severity, check_register
from privacydesk.register.service import current_register, store_register_version
from privacydesk.statement import diff
from privacydesk.statement import render as statement
from privacydesk.statement.versions import publish_statement
from privacydesk.web.access import Principal, require
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
Reader = Annotated[Principal, Depends(require(Permission.VIEW_REGISTER))]
Changer = Annotated[Principal, Depends(require(Permission.CHANGE_REGISTER))]
YamlField = Annotated[str, Form(max_length=500_000)]
CsrfField = Annotated[str, Form(max_length=100)]


@router.get("/admin/register", response_class=HTMLResponse)
def register_page(request: Request, principal: Reader, lang: str = "en") -> HTMLResponse:
    """The register in force, as the statement reads it (articles in order)."""
    lang = "nl" if lang == "nl" else "en"
    with request.app.state.db.session_scope(readonly=True) as session:
        version, reg = current_register(session)
        number, content_hash, loaded_at = version.number, version.content_hash, version.loaded_at
    body = Markup(statement.render_body(reg, lang, "html"))  # rendered from the register, escaped there
    return render(
        request,
        "admin_register.html",
        active="register",
        reg=reg,
        body=body,
        number=number,
        content_hash=content_hash,
        loaded_at=loaded_at,
        statement_lang=lang,
        lang="en",
    )


@dataclass
class Draft:
    """An edited register: its findings (each with a line), and, when usable, what would change."""

    text: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[diff.Change] = field(default_factory=list)
    text_diff: list[str] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        return not self.problems


def _findings(loaded: LoadedRegister, draft: Draft) -> None:
    for f in check_register(loaded):
        line = f"line {loaded.lines.line(f.path)}: {f.message} — fix: {f.fix}"
        (draft.problems if f.severity == Severity.ERROR else draft.warnings).append(line)


def _draft(text: str, current: Register) -> Draft:
    draft = Draft(text)
    try:
        loaded = load_register_text(text, "register.yaml")
    except PrivacydeskError as exc:
        draft.problems = exc.message.splitlines()
        return draft
    _findings(loaded, draft)
    if draft.publishable:
        draft.changes = diff.compare(current, loaded.register)
        draft.text_diff = diff.text_diff(
            statement.render_markdown(current, "nl"),
            statement.render_markdown(loaded.register, "nl"),
            "now",
            "after publishing",
        )
    return draft


def _edit_page(request: Request, draft: Draft, *, status_code: int = 200) -> HTMLResponse:
    return render(
        request,
        "admin_register_edit.html",
        status_code=status_code,
        active="register",
        draft=draft,
        lang="en",
    )


@router.get("/admin/register/edit", response_class=HTMLResponse)
def edit(request: Request, principal: Changer) -> HTMLResponse:
    with request.app.state.db.session_scope(readonly=True) as session:
        version, _ = current_register(session)
        text = version.yaml_text
    return _edit_page(request, Draft(text))


@router.post("/admin/register/preview", response_class=HTMLResponse)
def preview(
    request: Request, principal: Changer, yaml_text: YamlField = "", csrf: CsrfField = ""
) -> HTMLResponse:
    """Check the edited register and show what the statement would say differently."""
    check_session_csrf(request, csrf)
    with request.app.state.db.session_scope(readonly=True) as session:
        _, current = current_register(session)
    draft = _draft(yaml_text, current)
    return _edit_page(request, draft, status_code=200 if draft.publishable else 422)


@router.post("/admin/register/publish", response_model=None)
def publish(
    request: Request, principal: Changer, yaml_text: YamlField = "", csrf: CsrfField = ""
) -> Response:
    """Store the edited register as a new version and publish its statement (checked again first)."""
    check_session_csrf(request, csrf)
    with request.app.state.db.session_scope() as session:
        _, current = current_register(session)
        draft = _draft(yaml_text, current)
        if not draft.publishable:
            return _edit_page(request, draft, status_code=422)
        loaded = load_register_text(yaml_text, "register.yaml")
        store_register_version(session, loaded=loaded, actor=principal.actor)
        try:
            publish_statement(
                session,
                effective_date=max(date.today(), loaded.register.effective_date),
                actor=principal.actor,
            )
        except PrivacydeskError as exc:
            session.rollback()
            draft.problems = [exc.message]
            return _edit_page(request, draft, status_code=422)
    return RedirectResponse("/admin/register?published=1", status_code=303)
