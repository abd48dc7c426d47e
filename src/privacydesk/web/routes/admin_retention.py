"""Retention in the admin: the plan (what leaves, per rule), the 24-month forecast chart, legal holds
(lifted only by roles that may) and past runs (from the audit log). Runs happen nightly; owners and
privacy officers may start one now."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privacydesk import audit
from privacydesk.auth import Permission
from privacydesk.errors import PrivacydeskError
from privacydesk.register.service import current_register
from privacydesk.retention import holds
from privacydesk.retention.plan import RetentionPlan, draw_chart, plan_retention
from privacydesk.retention.run import run_retention
from privacydesk.web.access import Principal, keyring, require
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
Reports = Annotated[Principal, Depends(require(Permission.VIEW_REPORTS))]
CsrfField = Annotated[str, Form(max_length=100)]


def _plan(request: Request) -> tuple[RetentionPlan, str]:
    with request.app.state.db.session_scope(readonly=True) as session:
        _, reg = current_register(session)
        return plan_retention(session, register=reg, today=date.today()), reg.controller.display_name


def _page(request: Request, *, errors: dict[str, str] | None = None, done: str = "") -> HTMLResponse:
    plan, _ = _plan(request)
    with request.app.state.db.session_scope(readonly=True) as session:
        held = holds.list_holds(session, today=date.today(), include_inactive=True)
        runs = audit.search_audit(session, action=audit.Action.RETENTION_RUN.value, limit=20)
        session.expunge_all()
    rules = sorted({rule for month in plan.forecast for rule in month["counts"]})
    return render(
        request,
        "admin_retention.html",
        status_code=422 if errors else 200,
        active="retention",
        plan=plan,
        forecast_rules=rules,
        holds=held,
        runs=runs,
        errors=errors or {},
        done=done,
        lang="en",
    )


@router.get("/admin/retention", response_class=HTMLResponse)
def retention(request: Request, principal: Reports, done: str = "") -> HTMLResponse:
    """What the retention rules remove, when; holds that stop them; what past runs did."""
    return _page(request, done=done[:60])


@router.get("/admin/retention/forecast.png")
def forecast_chart(request: Request, principal: Reports) -> Response:
    """The forecast as a stacked bar chart (the page has the same numbers as a table)."""
    plan, name = _plan(request)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "forecast.png"
        draw_chart(plan, path, title=f"{name}: records leaving per month")
        png = path.read_bytes()
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/admin/retention/holds/{hold_id}/lift", response_model=None)
def lift(
    request: Request,
    hold_id: int,
    principal: Annotated[Principal, Depends(require(Permission.LIFT_HOLD))],
    reason: Annotated[str, Form(max_length=500)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Lift a legal hold (owner and privacy officer only), with the reason."""
    check_session_csrf(request, csrf)
    if len(reason.strip()) < 3:
        return _page(request, errors={f"lift-{hold_id}": "Say why the hold may end."})
    with request.app.state.db.session_scope() as session:
        holds.lift_hold(session, hold_id=hold_id, reason=reason, role=principal.role, actor=principal.actor)
    return RedirectResponse("/admin/retention?done=hold+lifted", status_code=303)


@router.post("/admin/retention/run", response_model=None)
def run_now(
    request: Request,
    principal: Annotated[Principal, Depends(require(Permission.RUN_RETENTION))],
    csrf: CsrfField = "",
) -> Response:
    """Run retention for today now, instead of waiting for the nightly run."""
    check_session_csrf(request, csrf)
    try:
        summary = run_retention(
            request.app.state.db, keyring=keyring(request), today=date.today(), actor=principal.actor
        )
    except PrivacydeskError as exc:
        return _page(request, errors={"run": exc.message})
    done = f"{summary.records_deleted} deleted, {summary.records_anonymised} anonymised"
    return RedirectResponse(f"/admin/retention?done={done.replace(' ', '+')}", status_code=303)
