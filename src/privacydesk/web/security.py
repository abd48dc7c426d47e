"""Security headers, and resolving the staff member behind a request (token or session cookie)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class SecurityMiddleware:
    """Attach the principal (if any) and set the security headers on every response.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware: that one wraps every response in an
    extra task and stream, which cost about half the server's CPU per request on /api/consent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        needs_auth = request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE)
        request.state.principal = await run_in_threadpool(_principal, request) if needs_auth else None
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if https and "strict-transport-security" not in headers:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
            await send(message)

        await self.app(scope, receive, send_with_headers)
