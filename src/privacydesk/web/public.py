"""Public pages: the home page with the register summary, and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from privacydesk import __version__
from privacydesk.errors import NotFound
from privacydesk.register.service import current_register
from privacydesk.web.access import public
from privacydesk.web.templating import brand, render

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


def _text_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (#rrggbb), by WCAG relative luminance."""

    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= (luminance + 0.05) / 0.05 else "#000000"


@router.get("/brand.css")
@public
def brand_css(request: Request) -> Response:
    """The business's colour from the register, as CSS (the CSP allows no inline style)."""
    colour = brand(request).primary_color
    css = f":root {{ --brand: {colour}; --on-brand: {_text_on(colour)}; }}\n"
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})
