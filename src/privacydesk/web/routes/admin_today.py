"""The admin's start page, Today: what needs doing, most urgent first — requests by days left (both
clocks, overdue in red), identity checks waiting, retention due this week, processor erasure tasks,
scanner findings to resolve, and the audit chain. Each part shows only to roles that may act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.auth import Permission, can
from privacydesk.breaches.service import assessment, list_breaches
from privacydesk.check.run import check_now
from privacydesk.errors import NotFound, PrivacydeskError
from privacydesk.register.service import current_register
from privacydesk.retention.plan import plan_retention
from privacydesk.scan import findings
from privacydesk.store.base import utcnow
from privacydesk.subject_requests import lifecycle
from privacydesk.subject_requests.domain import Status
from privacydesk.subject_requests.fulfil.processor_tasks import complete_processor_task, list_processor_tasks
from privacydesk.web.access import Principal, require, require_login
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
WAITING_FOR_IDENTITY = {Status.RECEIVED.value, Status.AWAITING_IDENTITY.value}
CsrfField = Annotated[str, Form(max_length=100)]


@dataclass
class Today:
    requests: list[lifecycle.QueueItem] = field(default_factory=list)
    identity_waiting: list[lifecycle.QueueItem] = field(default_factory=list)
    retention_week: int | None = None
    retention_overdue: int = 0
    tasks: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    breaches: list[tuple[Any, float]] = field(default_factory=list)  # (breach, hours left to tell the AP)
    broken_promises: list[Any] | None = None  # failed checks of `privacydesk check`


def _breach_part(session: Session, today: Today) -> None:
    _, reg = current_register(session)
    for breach in list_breaches(session):
        advice = assessment(reg, breach)
        if advice.notify_ap and breach.ap_notified_at is None and breach.closed_at is None:
            today.breaches.append((breach, round((advice.deadline - utcnow()).total_seconds() / 3600, 1)))


def _promises_part(session: Session, today: Today, day: date, settings: Any) -> None:
    today.broken_promises = check_now(session, today=day, settings=settings).failed


def _requests_part(session: Session, today: Today, day: date) -> None:
    queue = lifecycle.list_requests(session, today=day)
    today.requests = [i for i in queue if i.status != Status.DRAFT.value]
    today.identity_waiting = [i for i in queue if i.status in WAITING_FOR_IDENTITY]
    today.tasks = list_processor_tasks(session, status="open")


def _retention_part(session: Session, today: Today, day: date) -> None:
    _, reg = current_register(session)
    plan = plan_retention(session, register=reg, today=day, until=day + timedelta(days=7))
    today.retention_week = plan.total
    today.retention_overdue = sum(r.overdue for r in plan.rules)


def _today(session: Session, principal: Principal, day: date, settings: Any) -> Today:
    today = Today()
    if can(principal.role, Permission.MANAGE_BREACHES):
        _breach_part(session, today)
    if can(principal.role, Permission.VIEW_REPORTS):
        _promises_part(session, today, day, settings)
    if can(principal.role, Permission.HANDLE_REQUESTS):
        _requests_part(session, today, day)
    if can(principal.role, Permission.VIEW_REPORTS):
        _retention_part(session, today, day)
    if can(principal.role, Permission.VIEW_PERSONAL_DATA):
        today.findings = findings.list_findings(session)
    session.expunge_all()
    return today


@router.get("/admin", response_class=HTMLResponse)
def today(request: Request, principal: Annotated[Principal, Depends(require_login)]) -> HTMLResponse:
    """What needs doing today, for the logged-in member of staff."""
    with request.app.state.db.session_scope(readonly=True) as session:
        version, reg = current_register(session)
        seq, head_hash = audit.head(session)
        number = version.number
        work = _today(session, principal, date.today(), request.app.state.settings)
    return render(
        request,
        "admin_today.html",
        active="today",
        reg=reg,
        register_number=number,
        audit_seq=seq,
        audit_head=head_hash,
        work=work,
        lang="en",
    )


@router.post("/admin/tasks/{task_id}/done", response_model=None)
def task_done(
    request: Request,
    task_id: int,
    principal: Annotated[Principal, Depends(require(Permission.HANDLE_REQUESTS))],
    csrf: CsrfField = "",
) -> Response:
    """The processor confirmed the erasure: close its task."""
    check_session_csrf(request, csrf)
    with request.app.state.db.session_scope() as session:
        complete_processor_task(session, task_id=task_id, actor=principal.actor)
    if request.headers.get("hx-request") == "true":
        return HTMLResponse('<td colspan="4">Done: the processor confirmed.</td>')
    return RedirectResponse("/admin", status_code=303)


def _fragment_error(message: str, status_code: int) -> HTMLResponse:
    html = Markup('<p class="error field-error" role="alert">{}</p>').format(message)
    return HTMLResponse(str(html), status_code=status_code)


@router.post("/admin/findings/{finding_id}/resolve", response_model=None)
def resolve(
    request: Request,
    finding_id: int,
    principal: Annotated[Principal, Depends(require(Permission.EDIT_PERSONAL_DATA))],
    outcome: Annotated[str, Form(max_length=16)] = "resolved",
    note: Annotated[str, Form(max_length=500)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Close a finding: the data was removed (resolved) or it was not personal data (dismissed)."""
    check_session_csrf(request, csrf)
    if outcome not in (findings.Status.RESOLVED, findings.Status.DISMISSED) or len(note.strip()) < 3:
        return _fragment_error("Choose resolved or dismissed and say what you did.", 422)
    try:
        with request.app.state.db.session_scope() as session:
            findings.resolve_finding(
                session,
                finding_id=finding_id,
                status=findings.Status(outcome),
                note=note,
                actor=principal.actor,
            )
    except NotFound:
        raise
    except PrivacydeskError as exc:
        return _fragment_error(exc.message, 409)
    if request.headers.get("hx-request") == "true":
        return HTMLResponse(f"<p>Finding {finding_id} {outcome}.</p>")
    return RedirectResponse("/admin", status_code=303)
