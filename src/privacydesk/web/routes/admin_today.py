"""The admin's start page, Today: what needs doing, most urgent first; and the audit chain check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from privacydesk import audit
from privacydesk.register.service import current_register
from privacydesk.web.access import Principal, require_login
from privacydesk.web.templating import render

router = APIRouter()


@router.get("/admin", response_class=HTMLResponse)
def today(request: Request, principal: Annotated[Principal, Depends(require_login)]) -> HTMLResponse:
    """What needs doing today, for the logged-in member of staff."""
    with request.app.state.db.session_scope(readonly=True) as session:
        version, reg = current_register(session)
        seq, head_hash = audit.head(session)
        number = version.number
    return render(
        request,
        "admin_today.html",
        active="today",
        reg=reg,
        register_number=number,
        audit_seq=seq,
        audit_head=head_hash,
        lang="en",
    )
