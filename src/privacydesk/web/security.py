"""Security headers, and resolving the staff member behind a request (token or session cookie)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware

from privacydesk import auth
from privacydesk.web.access import Principal

SESSION_COOKIE = "pd_session"
# img-src allows https: for the business's own logo (register: controller.branding.logo_url);
# scripts, styles, frames and form targets stay same-origin only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def idle_timeout(request: Request) -> timedelta:
    return timedelta(minutes=request.app.state.settings.session_idle_minutes)


def _principal(request: Request) -> Principal | None:
    db = request.app.state.db
    idle = idle_timeout(request)
    header = request.headers.get("authorization", "")
    with db.session_scope() as session:
        if header.lower().startswith("bearer "):
            found = auth.verify_api_token(session, secret=header[7:].strip())
            return Principal(found[0], found[1], "token") if found else None
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        resumed = auth.resume_session(session, cookie_value=cookie, idle=idle)
        if resumed is None or not resumed[0].second_factor_done:
            return None
        web, user = resumed
        return Principal(user, auth.Role(user.role), "session", web)


class SecurityMiddleware(BaseHTTPMiddleware):
    """Attach the principal (if any) and set the security headers on every response."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        needs_auth = request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE)
        request.state.principal = await run_in_threadpool(_principal, request) if needs_auth else None
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
