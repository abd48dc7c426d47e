"""CSRF protection: a logged-in form carries the session's token; the login form a
double-submit cookie. Compared in constant time."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request, status

LOGIN_CSRF_COOKIE = "pd_login_csrf"


def check_session_csrf(request: Request, submitted: str | None) -> None:
    principal = getattr(request.state, "principal", None)
    expected = principal.web_session.csrf_token if principal and principal.web_session else None
    if principal is not None and principal.via == "token":
        return  # API tokens are not sent by browsers on their own: no CSRF risk
    if not expected or not submitted or not secrets.compare_digest(expected, submitted):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired; reload the page and try again")


def check_login_csrf(request: Request, submitted: str | None) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not submitted or not secrets.compare_digest(cookie, submitted):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form has expired; reload the page and try again")
