"""Jinja2 templates for the portal and admin, with the register's branding and a CSRF helper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    context.setdefault("principal", principal)
    context.setdefault("lang", "nl")
    if principal is not None and principal.web_session is not None:
        context.setdefault("csrf_token", principal.web_session.csrf_token)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
