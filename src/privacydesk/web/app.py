"""The FastAPI application factory: `create_app(settings)`."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from privacydesk import __version__, auth
from privacydesk.config import Settings
from privacydesk.errors import NotFound, PrivacydeskError, Refused, UnusableInput
from privacydesk.store.db import Database
from privacydesk.web.security import SecurityMiddleware
from privacydesk.web.templating import TEMPLATES, render

log = logging.getLogger("privacydesk.web")
ROUTE_MODULES = ("public", "staff", "api")
STAFF_PREFIXES = ("/admin", "/login", "/logout")
# Route modules included before all others: FastAPI tries every route in order, and matching the
# ~90 routes ahead of it cost the banner's endpoint (most of the traffic) a quarter of its CPU time.
# Their paths overlap no other module's, so the order changes no answer.
HOT_ROUTE_MODULES = ("consent",)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api", "/opendsr")) or "application/json" in request.headers.get(
        "accept", ""
    )


def page_language(request: Request) -> str:
    """English for the admin; for the portal the `lang` parameter, else the browser's first choice."""
    if request.url.path.startswith(STAFF_PREFIXES):
        return "en"
    asked = request.query_params.get("lang") or request.headers.get("accept-language", "nl")[:2]
    return "en" if asked.lower() == "en" else "nl"


def error_page(request: Request, code: int, message: str | None = None) -> Response:
    """A page (or JSON) for an error, in the visitor's language, never with a stack trace."""
    if _wants_json(request):
        return JSONResponse({"detail": message or "error"}, status_code=code)
    if message == _phrase(code):
        message = None  # Starlette's bare "Not Found": the page says it better, in the right language
    template = "errors/5xx.html" if code >= 500 else "errors/4xx.html"
    return render(
        request, template, status_code=code, code=code, message=message, lang=page_language(request)
    )


def _phrase(code: int) -> str | None:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return None


def _status_of(exc: PrivacydeskError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, UnusableInput):
        return 422
    return 409 if isinstance(exc, Refused) else 400


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401:
            return Response(status_code=303, headers={"Location": "/login"})
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = [".".join(str(p) for p in e["loc"][1:]) + ": " + e["msg"] for e in exc.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": "invalid input", "fields": fields}, status_code=422)
        return error_page(request, 422, "Some fields are not valid: " + "; ".join(fields))

    @app.exception_handler(PrivacydeskError)
    async def refused(request: Request, exc: PrivacydeskError) -> Response:
        return error_page(request, _status_of(exc), exc.message)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Only the type is logged: an exception's text may hold personal data.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_page(request, 500, None if not _wants_json(request) else "internal error")


def _include_routes(app: FastAPI) -> None:
    """The hot routes first, then the foundation's routers and the other modules of web.routes."""
    from privacydesk.web import routes

    names = sorted(info.name for info in pkgutil.iter_modules(routes.__path__))
    hot = [name for name in HOT_ROUTE_MODULES if name in names]
    for name in hot:
        app.include_router(importlib.import_module(f"{routes.__name__}.{name}").router)
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(f"privacydesk.web.{name}").router)
    for name in names:
        if name not in hot:
            app.include_router(importlib.import_module(f"{routes.__name__}.{name}").router)


def api_routes(routes: list[BaseRoute]) -> list[APIRoute]:
    """Every APIRoute of an app, also those inside included routers (FastAPI ≥ 0.160 keeps an
    included router as one entry). Routers are included without a prefix, so paths are final."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found.extend(api_routes(inner.routes))
    return found


def create_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The whole web application for `settings`; `db` may be shared with the caller (tests)."""
    app = FastAPI(
        title="privacydesk",
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.login_throttle = auth.LoginThrottle()
    app.state.totp_replay = auth.TotpReplayGuard()
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    _install_error_pages(app)
    _include_routes(app)
    # The admin menu lists the pages that exist in this build (an area's page appears with it).
    paths = {route.path for route in api_routes(app.routes)}
    TEMPLATES.env.globals["site_paths"] = frozenset(paths)
    TEMPLATES.env.globals["admin_pages"] = {
        p.removeprefix("/admin").strip("/") or "today" for p in paths if p.startswith("/admin")
    }
    return app
