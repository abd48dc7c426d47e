"""The privacy statement on the portal: /privacy, /privacy/versions, /privacy/v/N and its stylesheet.

Dutch by default; `?lang=en` or the browser's Accept-Language chooses English. Pages carry an ETag
and Last-Modified, answer conditional requests with 304, and say `Vary: Accept-Language`.
"""

from __future__ import annotations

import hashlib
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from privacydesk.errors import NotFound
from privacydesk.statement import portal
from privacydesk.statement.words import LANGUAGES
from privacydesk.web.access import public
from privacydesk.web.templating import render

router = APIRouter()

CURRENT_MAX_AGE = 300  # the page in force may change with the next publication
VERSION_MAX_AGE = 86400  # a published version never changes; only its "earlier version" note may appear


def negotiate(lang: str | None, accept_language: str | None) -> str:
    """?lang= when it is nl or en; else the first of nl/en the browser prefers; else Dutch."""
    if lang in LANGUAGES:
        return str(lang)
    choices = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else "nl"


def _not_modified(request: Request, page: portal.PortalPage) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return page.etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return page.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _cached(request: Request, page: portal.PortalPage, max_age: int) -> Response:
    headers = {
        "ETag": page.etag,
        "Last-Modified": format_datetime(page.last_modified, usegmt=True),
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Language",
    }
    if _not_modified(request, page):
        return Response(status_code=304, headers=headers)
    return Response(page.html, media_type="text/html; charset=utf-8", headers=headers)


def _no_register(request: Request, lang: str) -> Response:
    return render(request, "no_register.html", status_code=503, lang=lang)


@router.get("/privacy", response_class=HTMLResponse)
@public
def privacy(request: Request, lang: str | None = None) -> Response:
    """The privacy statement in force."""
    chosen = negotiate(lang, request.headers.get("accept-language"))
    with request.app.state.db.session_scope(readonly=True) as session:
        try:
            page = portal.current_page(session, lang=chosen)
        except NotFound:
            return _no_register(request, chosen)
    return _cached(request, page, CURRENT_MAX_AGE)


@router.get("/privacy/versions", response_class=HTMLResponse)
@public
def privacy_versions(request: Request, lang: str | None = None) -> Response:
    """Every published version of the statement, newest first."""
    chosen = negotiate(lang, request.headers.get("accept-language"))
    with request.app.state.db.session_scope(readonly=True) as session:
        try:
            page = portal.versions_page(session, lang=chosen)
        except NotFound:
            return _no_register(request, chosen)
    return _cached(request, page, CURRENT_MAX_AGE)


@router.get("/privacy/v/{number}", response_class=HTMLResponse)
@public
def privacy_version(request: Request, number: int, lang: str | None = None) -> Response:
    """Published version `number`, exactly as it was published."""
    chosen = negotiate(lang, request.headers.get("accept-language"))
    with request.app.state.db.session_scope(readonly=True) as session:
        try:
            page = portal.version_page(session, number=number, lang=chosen)
        except NotFound:
            raise HTTPException(404, "There is no such version of the privacy statement.") from None
    return _cached(request, page, VERSION_MAX_AGE)


@router.get("/privacy/statement.css")
@public
def privacy_stylesheet(request: Request) -> Response:
    """The statement's stylesheet, in the business's colour (a file, so the CSP needs no inline style)."""
    with request.app.state.db.session_scope(readonly=True) as session:
        css = portal.stylesheet(session)
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(css, media_type="text/css; charset=utf-8", headers=headers)
