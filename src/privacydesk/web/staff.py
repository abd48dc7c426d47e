"""Staff login and logout, and the admin's first page."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privacydesk import audit, auth
from privacydesk.errors import Refused
from privacydesk.register.service import current_register
from privacydesk.web.access import Principal, public, require_login
from privacydesk.web.csrf import LOGIN_CSRF_COOKIE, check_login_csrf, check_session_csrf
from privacydesk.web.security import SESSION_COOKIE
from privacydesk.web.templating import render

router = APIRouter()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
@public
def login_form(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", login_csrf=token, error=None, lang="en")
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        max_age=3600,
    )
    return response


@router.post("/login", response_model=None)
@public
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_login_csrf(request, csrf)
    db = request.app.state.db
    try:
        with db.session_scope() as session:
            user = auth.authenticate(session, email=email, password=password)
            started = auth.start_session(session, user=user, second_factor_done=True)
            audit.record(session, action=audit.Action.LOGIN_SUCCEEDED, actor=auth.actor_of(user))
    except Refused as exc:
        token = secrets.token_urlsafe(32)
        response = render(
            request, "login.html", status_code=401, login_csrf=token, error=exc.message, lang="en"
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request)
        )
        return response
    redirect = RedirectResponse("/admin", status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE, started.cookie_value, httponly=True, samesite="lax", secure=_secure(request)
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE)
    return redirect


@router.post("/logout")
def logout(
    request: Request,
    principal: Annotated[Principal, Depends(require_login)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> RedirectResponse:
    check_session_csrf(request, csrf)
    with request.app.state.db.session_scope() as session:
        if principal.web_session is not None:
            web = session.merge(principal.web_session)
            auth.end_session(session, web=web, actor=principal.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, principal: Annotated[Principal, Depends(require_login)]) -> HTMLResponse:
    """The admin's start page: the register in force and the audit chain's head."""
    with request.app.state.db.session_scope(readonly=True) as session:
        version, reg = current_register(session)
        seq, head_hash = audit.head(session)
        number = version.number
    return render(
        request,
        "admin_home.html",
        reg=reg,
        register_number=number,
        audit_seq=seq,
        audit_head=head_hash,
        permissions=sorted(p.value for p in auth.ROLE_PERMISSIONS[principal.role]),
        lang="en",
    )
