"""Public pages: the home page with the register summary, and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from privacydesk import __version__
from privacydesk.errors import NotFound
from privacydesk.register.service import current_register
from privacydesk.web.access import public
from privacydesk.web.templating import render

router = APIRouter()


@router.get("/health")
@public
def health(request: Request) -> dict[str, object]:
    """Liveness and readiness: the database answers and a register is loaded."""
    db = request.app.state.db
    with db.session_scope(readonly=True) as session:
        try:
            version, _ = current_register(session)
            register_version: int | None = version.number
        except NotFound:
            register_version = None
    return {"status": "ok", "version": __version__, "register_version": register_version}


@router.get("/", response_class=HTMLResponse)
@public
def home(request: Request, lang: str = "nl") -> HTMLResponse:
    """What this business does with personal data, in a glance, from the register in force."""
    lang = "en" if lang == "en" else "nl"
    with request.app.state.db.session_scope(readonly=True) as session:
        try:
            version, reg = current_register(session)
        except NotFound:
            return render(request, "no_register.html", status_code=503, lang=lang)
        number = version.number
    return render(request, "home.html", reg=reg, register_number=number, lang=lang)
