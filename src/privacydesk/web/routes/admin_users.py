"""Staff accounts in the admin (owners and privacy officers): add one, reset a lost authenticator,
unlock after failed logins, disable. The same as `privacydesk users …`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privacydesk import auth
from privacydesk.auth import Permission
from privacydesk.errors import NotFound, PrivacydeskError
from privacydesk.store.models.core import StaffUser
from privacydesk.web.access import Principal, require
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
Manager = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
CsrfField = Annotated[str, Form(max_length=100)]
ACTIONS: dict[str, Callable[..., None]] = {
    "reset-two-factor": auth.reset_totp,
    "unlock": auth.unlock_user,
    "disable": auth.disable_user,
}


def _page(request: Request, *, errors: dict[str, str] | None = None, done: str = "") -> HTMLResponse:
    with request.app.state.db.session_scope(readonly=True) as session:
        users = auth.list_users(session)
        session.expunge_all()
    return render(
        request,
        "admin_users.html",
        status_code=422 if errors else 200,
        active="users",
        users=users,
        roles=list(auth.Role),
        errors=errors or {},
        done=done,
        lang="en",
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, principal: Manager, done: str = "") -> HTMLResponse:
    """Every staff account with its role and two-factor state."""
    return _page(request, done=done[:40])


@router.post("/admin/users", response_model=None)
def add_user(
    request: Request,
    principal: Manager,
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Add an account; owners and privacy officers enrol their authenticator at first login."""
    check_session_csrf(request, csrf)
    try:
        parsed = auth.parse_role(role)
        with request.app.state.db.session_scope() as session:
            auth.add_user(session, email=email, role=parsed, password=password, actor=principal.actor)
    except PrivacydeskError as exc:
        field = "role" if "role" in exc.message else "password" if "password" in exc.message else "email"
        return _page(request, errors={field: exc.message})
    return RedirectResponse("/admin/users?done=account+added", status_code=303)


def _user(session: Session, user_id: int) -> StaffUser:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("no such staff account")
    return user


@router.post("/admin/users/{user_id}/{action}", response_model=None)
def change_user(
    request: Request, user_id: int, action: str, principal: Manager, csrf: CsrfField = ""
) -> Response:
    """Reset two-factor, unlock or disable one account."""
    check_session_csrf(request, csrf)
    if action not in ACTIONS:
        raise NotFound("no such action")
    try:
        with request.app.state.db.session_scope() as session:
            ACTIONS[action](session, user=_user(session, user_id), actor=principal.actor)
    except NotFound:
        raise
    except PrivacydeskError as exc:
        return _page(request, errors={f"user-{user_id}": exc.message})
    return RedirectResponse(f"/admin/users?done={action.replace('-', '+')}", status_code=303)
