"""Jinja2 templates for the portal and admin, with the register's branding and a CSRF helper."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from privacydesk.auth import Permission, can
from privacydesk.register.service import latest_version, register_of

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@dataclass(frozen=True)
class Brand:
    """What the portal shows of the business: its name, logo and colour, from the register."""

    name: str
    logo_url: str | None
    primary_color: str
    register_version: int | None


DEFAULT_BRAND = Brand("privacydesk", None, "#1f4e79", None)


def brand(request: Request) -> Brand:
    """The business behind this privacydesk, from the register in force (or a neutral default)."""
    with request.app.state.db.session_scope(readonly=True) as session:
        version = latest_version(session)
        if version is None:
            return DEFAULT_BRAND
        controller = register_of(version).controller
        return Brand(
            controller.display_name,
            controller.branding.logo_url,
            controller.branding.primary_color,
            version.number,
        )


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    context.setdefault("principal", principal)
    context.setdefault("lang", "nl")
    context.setdefault("brand", brand(request))
    context.setdefault("can", lambda perm: principal is not None and can(principal.role, Permission(perm)))
    if principal is not None and principal.web_session is not None:
        context.setdefault("csrf_token", principal.web_session.csrf_token)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
