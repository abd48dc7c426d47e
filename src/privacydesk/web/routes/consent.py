"""The cookie banner (`/consent.js`, `/consent.css`), its decision endpoint (`POST /api/consent`)
and the Global Privacy Control statement (`/.well-known/gpc.json`).

These are embedded on the business's own website, so they answer cross-origin requests; they never
store an IP address (at most a truncated one, when the register says so).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from privacydesk.consent import banner
from privacydesk.consent.batch import GroupCommitWriter
from privacydesk.errors import NotFound
from privacydesk.register.service import current_register
from privacydesk.store.base import utcnow
from privacydesk.web.access import public

router = APIRouter()
CONTEXT_TTL = 1.0  # seconds a register read is reused by the hot endpoint
CORS = {"Access-Control-Allow-Origin": "*", "Vary": "Origin"}


def _context(request: Request) -> banner.BannerContext:
    cached = getattr(request.app.state, "consent_banner", None)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]  # type: ignore[no-any-return]
    with request.app.state.db.session_scope(readonly=True) as session:
        ctx = banner.banner_context(session, settings=request.app.state.settings)
    request.app.state.consent_banner = (time.monotonic() + CONTEXT_TTL, ctx)
    return ctx


def _writer(request: Request) -> GroupCommitWriter:
    writer = getattr(request.app.state, "consent_writer", None)
    if writer is None:
        writer = GroupCommitWriter(request.app.state.db)
        request.app.state.consent_writer = writer
    return writer


def _secret(request: Request) -> bytes:
    secret = getattr(request.app.state, "consent_secret", None)
    if secret is None:
        secret = banner.receipt_secret(request.app.state.settings)
        request.app.state.consent_secret = secret
    return secret


def _cached(request: Request, body: str, media_type: str) -> Response:
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Sec-GPC"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _no_register() -> Response:
    return Response(
        "/* privacydesk: no register loaded yet */", status_code=503, media_type="text/javascript"
    )


@router.get("/consent.js", include_in_schema=False)
@public
def consent_script(request: Request) -> Response:
    """The banner script, configured from the register in force (and the browser's Sec-GPC)."""
    try:
        ctx = _context(request)
    except NotFound:
        return _no_register()
    gpc = request.headers.get("sec-gpc") == "1"
    return _cached(request, banner.script(ctx, gpc=gpc), "text/javascript; charset=utf-8")


@router.get("/consent.css", include_in_schema=False)
@public
def consent_stylesheet(request: Request) -> Response:
    """The banner's stylesheet."""
    return _cached(request, banner.stylesheet(), "text/css; charset=utf-8")


@router.options("/api/consent", include_in_schema=False)
@public
def consent_preflight() -> Response:
    """CORS preflight for websites that post with a JSON content type."""
    headers = {
        **CORS,
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": "86400",
    }
    return Response(status_code=204, headers=headers)


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status, headers=CORS)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > banner.MAX_BODY):
        raise banner.BadConsent(413, f"the body is larger than {banner.MAX_BODY} bytes")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > banner.MAX_BODY:
            raise banner.BadConsent(413, f"the body is larger than {banner.MAX_BODY} bytes")
    return raw


@router.post("/api/consent", status_code=201)
@public
async def post_consent(request: Request) -> Response:
    """Store one banner decision in the ledger (group-committed) and return the signed receipt."""
    try:
        raw = await _body(request)
        ctx = await _ctx_async(request)
        decision = banner.check_post(raw, ctx, _secret(request))
    except banner.BadConsent as exc:
        return _refuse(exc.status, exc.message)
    except NotFound:
        return _refuse(503, "no register is loaded yet")
    now = utcnow()
    host = request.client.host if request.client else None
    rows = banner.ledger_rows(
        decision,
        ctx,
        at=now,
        ip_prefix=banner.truncate_ip(host, ctx.ip_truncation_bytes),
        gpc_header=request.headers.get("sec-gpc") == "1",
    )
    await asyncio.wrap_future(_writer(request).submit(rows))
    accepted = [k for k, v in decision.choices.items() if v]
    receipt = banner.make_receipt(
        _secret(request), revision=ctx.revision, visitor=decision.visitor, accepted=accepted, at=now
    )
    body: dict[str, Any] = {"receipt": receipt, "max_age": ctx.max_age_days * 86400, "events": len(rows)}
    return JSONResponse(body, status_code=201, headers=CORS)


@router.post("/api/consent/check")
@public
async def check_receipt(request: Request) -> Response:
    """Whether a `pd_consent` cookie is a genuine receipt of this server for the revision in force."""
    try:
        raw = await _body(request)
        ctx = await _ctx_async(request)
        revision = banner.check_receipt(raw, ctx, _secret(request))
    except banner.BadConsent as exc:
        return _refuse(exc.status, exc.message)
    except NotFound:
        return _refuse(503, "no register is loaded yet")
    return JSONResponse({"ok": True, "revision": revision}, headers=CORS)


async def _ctx_async(request: Request) -> banner.BannerContext:
    cached = getattr(request.app.state, "consent_banner", None)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]  # type: ignore[no-any-return]
    return await run_in_threadpool(_context, request)


@router.get("/.well-known/gpc.json", include_in_schema=False)
@public
def gpc_statement(request: Request) -> Response:
    """This site honours Global Privacy Control (https://privacycg.github.io/gpc-spec/)."""
    try:
        with request.app.state.db.session_scope(readonly=True) as session:
            _, reg = current_register(session)
            updated = reg.effective_date.isoformat()
    except NotFound:
        updated = None
    body: dict[str, Any] = {"gpc": True}
    if updated:
        body["lastUpdate"] = updated
    return JSONResponse(body, headers={"Access-Control-Allow-Origin": "*"})
