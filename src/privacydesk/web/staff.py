"""Staff login (password, then a TOTP code for the roles that need one), logout, and the admin's
first page.

A login that still needs its code holds a session with `second_factor_done = False`: the
security middleware ignores such a session, so it opens nothing but the code page. The code
page ends it and starts a new session with a new cookie.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privacydesk import audit, auth
from privacydesk.errors import Refused
from privacydesk.store.base import utcnow
from privacydesk.store.models.core import StaffUser, WebSession
from privacydesk.web.access import Principal, public, require_login
from privacydesk.web.csrf import LOGIN_CSRF_COOKIE, check_login_csrf, check_session_csrf
from privacydesk.web.security import SESSION_COOKIE, idle_timeout
from privacydesk.web.templating import render

router = APIRouter()
TOO_MANY = "too many login attempts; wait a few minutes and try again"


def _secure(request: Request) -> bool:
    """Secure cookies when served over HTTPS, also behind a proxy that terminates TLS."""
    return request.url.scheme == "https" or str(request.app.state.settings.base_url).startswith("https:")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _set_session_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(SESSION_COOKIE, value, httponly=True, samesite="lax", secure=_secure(request))


def _login_page(request: Request, *, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", status_code=status_code, login_csrf=token, error=error, lang="en"
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), max_age=3600
    )
    return response


@router.get("/login", response_class=HTMLResponse)
@public
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


def _throttled(request: Request, *keys: str) -> bool:
    throttle: auth.LoginThrottle = request.app.state.login_throttle
    now = utcnow()
    return not all([throttle.allow(key, now=now) for key in keys])


@router.post("/login", response_model=None)
@public
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Check the password; owners and privacy officers go on to the code page."""
    check_login_csrf(request, csrf)
    if _throttled(request, f"ip:{_client(request)}", f"account:{email.strip().lower()}"):
        return _login_page(request, error=TOO_MANY, status_code=429)
    # The failure is caught inside the transaction so that its count and audit entry are kept.
    with request.app.state.db.session_scope() as session:
        try:
            user = auth.authenticate(session, email=email, password=password)
        except Refused as exc:
            return _login_page(request, error=exc.message, status_code=401)
        second = auth.needs_totp(user)
        started = auth.start_session(session, user=user, second_factor_done=not second)
        if not second:
            audit.record(session, action=audit.Action.LOGIN_SUCCEEDED, actor=auth.actor_of(user))
    redirect = RedirectResponse("/login/code" if second else "/admin", status_code=303)
    _set_session_cookie(request, redirect, started.cookie_value)
    redirect.delete_cookie(LOGIN_CSRF_COOKIE)
    return redirect


def _pending(request: Request) -> tuple[WebSession, StaffUser] | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with request.app.state.db.session_scope() as session:
        found = auth.resume_pending_session(session, cookie_value=cookie, idle=idle_timeout(request))
        if found is not None:
            session.expunge_all()
        return found


def _code_page(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    pending = _pending(request)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    web, user = pending
    qr, secret = None, None
    if not user.totp_confirmed:
        with request.app.state.db.session_scope() as session:
            fresh = session.get(StaffUser, user.id)
            assert fresh is not None
            secret = auth.begin_totp_enrolment(session, user=fresh)
            qr = segno.make(auth.totp_uri(fresh), error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "admin_login_code.html",
        status_code=status_code,
        csrf_token=web.csrf_token,
        enrolling=not user.totp_confirmed,
        qr=qr,
        secret=secret,
        error=error,
        lang="en",
    )


@router.get("/login/code", response_model=None)
@public
def code_form(request: Request) -> Response:
    """Ask for the authenticator code; at the first login, show the QR code to enrol first."""
    return _code_page(request)


@router.post("/login/code", response_model=None)
@public
def code_submit(
    request: Request,
    code: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    pending = _pending(request)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    if not csrf or not secrets.compare_digest(pending[0].csrf_token, csrf):
        return _code_page(request, error="the form has expired; try again", status_code=403)
    if _throttled(request, f"ip:{_client(request)}", f"code:{pending[1].id}"):
        return _code_page(request, error=TOO_MANY, status_code=429)
    error = None
    with request.app.state.db.session_scope() as session:
        web = session.merge(pending[0])
        user = session.merge(pending[1])
        try:
            auth.check_second_factor(session, user=user, code=code, used=request.app.state.totp_replay)
            started = auth.finish_login(session, pending=web, user=user)
        except Refused as exc:
            error = exc.message  # the failure count and its audit entry are committed
    if error is not None:
        return _code_page(request, error=error, status_code=401)
    redirect = RedirectResponse("/admin", status_code=303)
    _set_session_cookie(request, redirect, started.cookie_value)
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
