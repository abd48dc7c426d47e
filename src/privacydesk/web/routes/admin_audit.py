"""The audit log in the admin: search by action, actor, target and date; verify the hash chain."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from privacydesk import audit
from privacydesk.auth import Permission
from privacydesk.web.access import Principal, require
from privacydesk.web.templating import render

router = APIRouter()
Auditor = Annotated[Principal, Depends(require(Permission.VIEW_AUDIT))]
PAGE = 50


def _since(value: str, errors: dict[str, str]) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        errors["since"] = "Give a date as YYYY-MM-DD."
        return None


def _filters(action: str, actor: str, target: str, since: str) -> tuple[dict[str, object], dict[str, str]]:
    errors: dict[str, str] = {}
    if action and action not in {a.value for a in audit.Action}:
        errors["action"] = "Choose an action from the list."
    return {
        "action": action if "action" not in errors else None,
        "actor": actor.strip() or None,
        "target": target.strip() or None,
        "since": _since(since.strip(), errors),
    }, errors


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    principal: Auditor,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=100)] = "",
    target: Annotated[str, Query(max_length=150)] = "",
    since: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Newest entries first; with htmx, only the results table is sent back."""
    filters, errors = _filters(action, actor, target, since)
    with request.app.state.db.session_scope(readonly=True) as session:
        entries = audit.search_audit(session, limit=PAGE + 1, offset=(page - 1) * PAGE, **filters)  # type: ignore[arg-type]
        seq, head_hash = audit.head(session)
        session.expunge_all()
    fragment = request.headers.get("hx-request") == "true"
    return render(
        request,
        "admin_audit_results.html" if fragment else "admin_audit.html",
        status_code=422 if errors else 200,
        active="audit",
        entries=entries[:PAGE],
        more=len(entries) > PAGE,
        page=page,
        query={"action": action, "actor": actor, "target": target, "since": since},
        errors=errors,
        actions=list(audit.Action),
        audit_seq=seq,
        audit_head=head_hash,
        lang="en",
    )


@router.get("/admin/audit/verify", response_class=HTMLResponse)
def verify_chain(request: Request, principal: Auditor) -> HTMLResponse:
    """The audit chain's verification, as a fragment (loaded by htmx, or opened on its own)."""
    with request.app.state.db.session_scope(readonly=True) as session:
        report = audit.verify_chain(session)
    return render(request, "admin_chain_status.html", report=report, lang="en")
