"""API tokens for scripts: list, issue (scoped to a role no higher than one's own), revoke."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privacydesk import auth
from privacydesk.auth import Permission, Role
from privacydesk.errors import NotFound, Refused
from privacydesk.store.base import utcnow
from privacydesk.store.models.core import StaffUser
from privacydesk.web.access import Principal, require_login
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
LoggedIn = Annotated[Principal, Depends(require_login)]


def _scopes(principal: Principal) -> list[Role]:
    mine = auth.ROLE_PERMISSIONS[principal.role]
    return [role for role in Role if auth.ROLE_PERMISSIONS[role] <= mine]


def _page(
    request: Request, principal: Principal, *, errors: dict[str, str] | None = None, issued: str | None = None
) -> HTMLResponse:
    sees_all = auth.can(principal.role, Permission.MANAGE_USERS)
    with request.app.state.db.session_scope(readonly=True) as session:
        tokens = auth.list_api_tokens(session, user_id=None if sees_all else principal.user.id)
        owners = {u.id: u.email for u in auth.list_users(session)} if sees_all else {}
        session.expunge_all()
    return render(
        request,
        "admin_tokens.html",
        status_code=422 if errors else 200,
        active="tokens",
        tokens=tokens,
        owners=owners,
        scopes=_scopes(principal),
        errors=errors or {},
        issued=issued,
        now=utcnow(),
        lang="en",
    )


@router.get("/admin/tokens", response_class=HTMLResponse)
def tokens(request: Request, principal: LoggedIn) -> HTMLResponse:
    """The API tokens one may see (everyone's for owners and privacy officers)."""
    return _page(request, principal)


def _validate(principal: Principal, name: str, role: str, days: str) -> tuple[dict[str, str], int | None]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Say what the token is for, e.g. 'nightly export script'."
    if role not in {r.value for r in _scopes(principal)}:
        errors["role"] = "Choose a role no higher than your own."
    if days.strip() and not (days.strip().isdigit() and 1 <= int(days) <= 730):
        errors["days"] = "Give a whole number of days from 1 to 730, or leave it empty."
    return errors, int(days) if days.strip().isdigit() else None


@router.post("/admin/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    principal: LoggedIn,
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    days: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    """Issue a token; its secret is shown on this page once."""
    check_session_csrf(request, csrf)
    errors, valid_days = _validate(principal, name, role, days)
    if errors:
        return _page(request, principal, errors=errors)
    with request.app.state.db.session_scope() as session:
        user = session.get(StaffUser, principal.user.id)
        assert user is not None
        issued = auth.create_api_token(
            session,
            user=user,
            name=name.strip(),
            role=Role(role),
            expires_at=utcnow() + timedelta(days=valid_days) if valid_days else None,
            actor=principal.actor,
        )
        secret = issued.secret
    return _page(request, principal, issued=secret)


@router.post("/admin/tokens/{token_id}/revoke", response_model=None)
def revoke_token(
    request: Request,
    token_id: int,
    principal: LoggedIn,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Revoke one's own token (or anyone's, for owners and privacy officers)."""
    check_session_csrf(request, csrf)
    sees_all = auth.can(principal.role, Permission.MANAGE_USERS)
    with request.app.state.db.session_scope() as session:
        mine = {t.id for t in auth.list_api_tokens(session, user_id=None if sees_all else principal.user.id)}
        if token_id not in mine:
            raise NotFound("no such token")
        try:
            auth.revoke_api_token(session, token_id=token_id, actor=principal.actor)
        except Refused as exc:
            raise NotFound(exc.message) from None
    return RedirectResponse("/admin/tokens", status_code=303)
