"""The FastAPI application factory: `create_app(settings)`."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from privacydesk import __version__
from privacydesk.config import Settings
from privacydesk.store.db import Database
from privacydesk.web.security import SecurityMiddleware
from privacydesk.web.templating import render

log = logging.getLogger("privacydesk.web")
ROUTE_MODULES = ("public", "staff", "api")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api", "/opendsr")) or "application/json" in request.headers.get(
        "accept", ""
    )


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401:
            return Response(status_code=303, headers={"Location": "/login"})
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            code=exc.status_code,
            message=str(exc.detail),
            lang="en",
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = [".".join(str(p) for p in e["loc"][1:]) + ": " + e["msg"] for e in exc.errors()]
        if _wants_json(request):
            return JSONResponse({"detail": "invalid input", "fields": fields}, status_code=422)
        return render(
            request,
            "error.html",
            status_code=422,
            code=422,
            message="Some fields are not valid: " + "; ".join(fields),
            lang="en",
        )

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # Only the type is logged: an exception's text may hold personal data.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        if _wants_json(request):
            return JSONResponse({"detail": "internal error"}, status_code=500)
        return render(
            request,
            "error.html",
            status_code=500,
            code=500,
            message="Something went wrong on our side. Nothing was changed.",
            lang="en",
        )


def _include_routes(app: FastAPI) -> None:
    """The foundation's routers, then every module in privacydesk.web.routes (one per area)."""
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(f"privacydesk.web.{name}").router)
    from privacydesk.web import routes

    for info in sorted(pkgutil.iter_modules(routes.__path__), key=lambda i: i.name):
        app.include_router(importlib.import_module(f"{routes.__name__}.{info.name}").router)


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
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    _install_error_pages(app)
    _include_routes(app)
    return app
