"""Breaches in the admin: the register of every breach with its 72-hour clock, recording a new one,
and for each the assessment, the AP form's answers ready to copy, and the letters to the people."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privacydesk.auth import Permission
from privacydesk.breaches.assess import NATURES
from privacydesk.breaches.service import (
    assessment,
    close_breach,
    get_breach,
    list_breaches,
    mark_notified,
    record_breach,
)
from privacydesk.breaches.texts import ap_form, people_letter
from privacydesk.errors import PrivacydeskError
from privacydesk.register.service import current_register
from privacydesk.store.base import utcnow
from privacydesk.web.access import Principal, require
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
Manager = Annotated[Principal, Depends(require(Permission.MANAGE_BREACHES))]
CsrfField = Annotated[str, Form(max_length=100)]


def _hours_left(deadline: datetime) -> float:
    return round((deadline - utcnow()).total_seconds() / 3600, 1)


def _list_page(
    request: Request, errors: dict[str, str] | None = None, status_code: int = 200
) -> HTMLResponse:
    # Rendered inside the scope: a read-only scope ends in a rollback, which expires the rows.
    with request.app.state.db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        rows = []
        for b in list_breaches(session):
            advice = assessment(register, b)
            rows.append((b, advice, _hours_left(advice.deadline)))
        return render(
            request,
            "admin_breaches.html",
            status_code=status_code,
            active="breaches",
            register=register,
            rows=rows,
            natures=NATURES,
            errors=errors or {},
            lang="en",
        )


@router.get("/admin/breaches", response_class=HTMLResponse)
def breaches(request: Request, principal: Manager) -> HTMLResponse:
    """Every breach, open ones first, with the time left to notify the AP."""
    return _list_page(request)


@router.post("/admin/breaches", response_model=None)
def new_breach(
    request: Request,
    principal: Manager,
    description: Annotated[str, Form(max_length=4000)] = "",
    nature: Annotated[list[str] | None, Form()] = None,
    category: Annotated[list[str] | None, Form()] = None,
    people: Annotated[int, Form(ge=0, le=10_000_000)] = 0,
    aware_at: Annotated[str, Form(max_length=40)] = "",
    encrypted: Annotated[bool, Form()] = False,
    consequences: Annotated[str, Form(max_length=4000)] = "",
    measures: Annotated[str, Form(max_length=4000)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Record a breach from the form; errors are shown next to their fields."""
    check_session_csrf(request, csrf)
    nature = [n for n in nature or [] if n]
    errors: dict[str, str] = {}
    if len(description.strip()) < 10:
        errors["description"] = "Describe what happened in a sentence or two."
    if not nature:
        errors["nature"] = "Tick at least one: confidentiality, integrity or availability."
    try:
        aware = datetime.fromisoformat(aware_at) if aware_at else utcnow()
    except ValueError:
        errors["aware_at"] = "Give a date and time, e.g. 2026-11-25T09:30."
        aware = utcnow()
    if errors:
        return _list_page(request, errors, status_code=422)
    aware = aware if aware.tzinfo else aware.replace(tzinfo=UTC)
    try:
        with request.app.state.db.session_scope() as session:
            _, register = current_register(session)
            breach = record_breach(
                session,
                register=register,
                detected_at=aware,
                aware_at=aware,
                nature=nature or [],
                description=description.strip(),
                categories=category or [],
                subject_refs=[],
                people=people,
                encrypted=encrypted,
                consequences=consequences.strip(),
                measures=measures.strip(),
                actor=principal.actor,
            )
            ref = breach.ref
    except PrivacydeskError as exc:
        return _list_page(request, {"form": exc.message}, status_code=422)
    return RedirectResponse(f"/admin/breaches/{ref}", status_code=303)


@router.get("/admin/breaches/{ref}", response_class=HTMLResponse)
def breach_detail(request: Request, ref: str, principal: Manager) -> HTMLResponse:
    """One breach: what to do and by when, the AP form's answers and the letters."""
    with request.app.state.db.session_scope(readonly=True) as session:
        _, register = current_register(session)
        breach = get_breach(session, ref=ref)
        advice = assessment(register, breach)
        answers = ap_form(register, breach, advice)
        letters = {lang: people_letter(register, breach, lang) for lang in ("nl", "en")}
        return render(
            request,
            "admin_breach.html",
            active="breaches",
            breach=breach,
            advice=advice,
            hours_left=_hours_left(advice.deadline),
            answers=answers,
            letters=letters,
            lang="en",
        )


@router.post("/admin/breaches/{ref}/notify", response_model=None)
def notify(
    request: Request,
    ref: str,
    principal: Manager,
    whom: Annotated[str, Form(pattern="^(ap|people)$")],
    reference: Annotated[str, Form(max_length=100)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Record that the AP (with its reference) or the people were told."""
    check_session_csrf(request, csrf)
    with request.app.state.db.session_scope() as session:
        mark_notified(session, ref=ref, whom=whom, reference=reference.strip() or None, actor=principal.actor)
    return RedirectResponse(f"/admin/breaches/{ref}", status_code=303)


@router.post("/admin/breaches/{ref}/close", response_model=None)
def close(request: Request, ref: str, principal: Manager, csrf: CsrfField = "") -> Response:
    check_session_csrf(request, csrf)
    with request.app.state.db.session_scope() as session:
        close_breach(session, ref=ref, actor=principal.actor)
    return RedirectResponse(f"/admin/breaches/{ref}", status_code=303)
