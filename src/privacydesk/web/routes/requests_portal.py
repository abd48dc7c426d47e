"""The public request portal: file a request, confirm it with the code, follow it, download the answer.

Works without JavaScript (plain forms, 303 redirects). Every answer is the same whether or not we
know the person: the code goes only to an address the store holds, and the page says so in
conditional words. Forms carry a double-submit CSRF token; submissions are rate-limited per IP and
per e-mail; oversized or malformed submissions get a clear error page.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser

from privacydesk import audit
from privacydesk.errors import NotFound, PrivacydeskError
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.subject_requests import identity
from privacydesk.subject_requests.domain import Channel, RequestKind, Status
from privacydesk.subject_requests.intake import Intake, open_request
from privacydesk.subject_requests.letters import KIND_NAMES
from privacydesk.subject_requests.lifecycle import clocks_of
from privacydesk.subject_requests.ratelimit import RateLimiter
from privacydesk.subject_requests.records import get_request
from privacydesk.web.access import public
from privacydesk.web.templating import render

router = APIRouter()
CSRF_COOKIE = "pd_portal_csrf"
MAX_FORM_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An ID copy must never touch the disk, not even as Starlette's spool file for uploads over 1 MB.
MultiPartParser.spool_max_size = MAX_UPLOAD_BYTES
REF = re.compile(r"^[0-9a-f]{32}$")
FIELD_LIMITS = {"email": 320, "name": 200, "phone": 40, "message": 5000, "target": 500}


@dataclass
class Limits:
    """Per-process budgets: submissions per IP and per e-mail, guesses (codes, references, links) per
    IP, new codes per request, and page views per IP."""

    submit_ip: RateLimiter
    submit_email: RateLimiter
    verify_ip: RateLimiter
    new_code: RateLimiter
    views: RateLimiter


def limits(request: Request) -> Limits:
    found = getattr(request.app.state, "request_limits", None)
    if found is None:
        found = Limits(
            RateLimiter(10, 3600),
            RateLimiter(3, 3600),
            RateLimiter(20, 900),
            RateLimiter(3, 3600),
            RateLimiter(300, 900),
        )
        request.app.state.request_limits = found
    assert isinstance(found, Limits)
    return found


def _keyring(request: Request) -> Keyring:
    ring = getattr(request.app.state, "keyring", None)
    if ring is None:
        ring = Keyring.from_settings(request.app.state.settings)
        request.app.state.keyring = ring
    assert isinstance(ring, Keyring)
    return ring


def _lang(value: Any) -> str:
    return "en" if value == "en" else "nl"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _register(request: Request) -> Register:
    with request.app.state.db.session_scope(readonly=True) as session:
        return current_register(session)[1]


def _csrf(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def _with_csrf(response: Response, request: Request, token: str) -> Response:
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/privacy",
        )
    return response


def _csrf_ok(request: Request, form: FormData) -> bool:
    cookie, sent = request.cookies.get(CSRF_COOKIE), form.get("csrf")
    return bool(cookie and isinstance(sent, str) and secrets.compare_digest(cookie, sent))


def _notice(request: Request, status: int, lang: str, key: str) -> HTMLResponse:
    return render(
        request, "requests_notice.html", status_code=status, lang=lang, key=key, reg=_safe_register(request)
    )


def _safe_register(request: Request) -> Register | None:
    try:
        return _register(request)
    except NotFound:
        return None


def _too_big(request: Request, limit: int) -> bool:
    length = request.headers.get("content-length")
    return length is None or not length.isdigit() or int(length) > limit


async def _read_form(request: Request, limit: int, *, files: int = 0) -> FormData | None:
    """The submitted form, or None when it is too big, has files it should not, or cannot be parsed."""
    if _too_big(request, limit):
        return None
    try:
        return await request.form(max_files=files, max_fields=40, max_part_size=limit)
    except Exception:  # Starlette raises several kinds for a broken multipart body
        return None


@router.get("/privacy/request", response_class=HTMLResponse)
@public
def request_form(request: Request, lang: str = "nl") -> Response:
    """The form to ask for access, correction, erasure and the other rights."""
    lang = _lang(lang)
    reg = _safe_register(request)
    if reg is None:
        return render(request, "no_register.html", status_code=503, lang=lang)
    token = _csrf(request)
    page = render(
        request,
        "requests_form.html",
        lang=lang,
        reg=reg,
        csrf=token,
        kinds=list(RequestKind),
        values={},
        errors={},
    )
    return _with_csrf(page, request, token)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _form_errors(form: FormData, lang: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    kinds = [k for k in form.getlist("type") if isinstance(k, str)]
    if not kinds or any(k not in {x.value for x in RequestKind} for k in kinds):
        errors["type"] = "Choose at least one request." if lang == "en" else "Kies minstens één verzoek."
    if "@" not in _text(form, "email"):
        errors["email"] = "Give your e-mail address." if lang == "en" else "Vul je e-mailadres in."
    for name, limit in FIELD_LIMITS.items():
        if len(_text(form, name)) > limit:
            errors[name] = f"At most {limit} characters." if lang == "en" else f"Maximaal {limit} tekens."
    return errors


def _redisplay(request: Request, form: FormData, lang: str, errors: dict[str, str]) -> Response:
    token = _csrf(request)
    values = {name: _text(form, name) for name in FIELD_LIMITS} | {"type": form.getlist("type")}
    page = render(
        request,
        "requests_form.html",
        status_code=400,
        lang=lang,
        reg=_register(request),
        csrf=token,
        kinds=list(RequestKind),
        values=values,
        errors=errors,
    )
    return _with_csrf(page, request, token)


def _file(request: Request, form: FormData, lang: str) -> str:
    """Open the request and start the identity check in one transaction; returns the reference."""
    intake = Intake(
        kinds=[str(k) for k in form.getlist("type")],
        channel=Channel.PORTAL,
        email=_text(form, "email"),
        name=_text(form, "name") or None,
        phone=_text(form, "phone") or None,
        message=_text(form, "message") or None,
        target=_text(form, "target") or None,
        lang=lang,
    )
    keyring, base = _keyring(request), request.app.state.settings.base_url
    with request.app.state.db.session_scope() as session:
        reg = current_register(session)[1]
        req = open_request(
            session, keyring=keyring, register=reg, intake=intake, actor="anonymous", base_url=base
        )
        identity.start_identity_check(
            session, keyring=keyring, register=reg, request=req, actor="anonymous", base_url=base
        )
        return req.ref


@router.post("/privacy/request", response_class=HTMLResponse)
@public
async def submit_request(request: Request) -> Response:
    """File a request: every channel lands in the same queue; the code goes to a known address only."""
    form = await _read_form(request, MAX_FORM_BYTES)
    lang = _lang(form.get("lang") if form else request.query_params.get("lang"))
    if form is None:
        return _notice(request, 413, lang, "too_big")
    if not _csrf_ok(request, form):
        return _notice(request, 403, lang, "expired_form")
    errors = _form_errors(form, lang)
    if errors:
        return _redisplay(request, form, lang, errors)
    lim = limits(request)
    if not lim.submit_ip.allow(f"ip:{_client(request)}") or not lim.submit_email.allow(
        "email:" + _text(form, "email").lower()
    ):
        return _notice(request, 429, lang, "slow_down")
    try:
        ref = await run_in_threadpool(_file, request, form, lang)
    except PrivacydeskError as exc:
        return _redisplay(request, form, lang, {"form": exc.message})
    return RedirectResponse(f"/privacy/request/{ref}?lang={lang}&new=1", status_code=303)


def _load(request: Request, ref: str) -> SubjectRequest | None:
    if not REF.match(ref):
        return None
    with request.app.state.db.session_scope(readonly=True) as session:
        try:
            found = get_request(session, ref=ref)
        except NotFound:
            return None
        session.expunge(found)
        return found


def _id_copy_wanted(request: Request, req: SubjectRequest) -> bool:
    with request.app.state.db.session_scope(readonly=True) as session:
        return req.status == Status.AWAITING_IDENTITY and identity.id_copy_requested(session, req)


def _status_page(
    request: Request,
    req: SubjectRequest,
    lang: str,
    *,
    status: int = 200,
    message: str | None = None,
    error: str | None = None,
    preview: Any = None,
) -> Response:
    token = _csrf(request)
    page = render(
        request,
        "requests_status.html",
        status_code=status,
        lang=lang,
        reg=_register(request),
        req=req,
        clocks=clocks_of(req, date.today()),
        csrf=token,
        message=message,
        error=error,
        preview=preview,
        id_copy=_id_copy_wanted(request, req),
        kind_names=KIND_NAMES,
    )
    return _with_csrf(page, request, token)


def _unknown(request: Request, lang: str, what: str) -> HTMLResponse:
    with request.app.state.db.session_scope() as session:
        audit.record(
            session,
            action=audit.Action.IDENTITY_CODE_FAILED,
            actor="anonymous",
            target_type="request",
            details={"why": "unknown_request", "what": what},
        )
    return _notice(request, 404, lang, "unknown")


@router.get("/privacy/request/{ref}", response_class=HTMLResponse)
@public
def request_status(request: Request, ref: str, lang: str = "nl", new: int = 0, sent: int = 0) -> Response:
    """Where a request stands; the code form while we wait for the requester's identity."""
    lang, lim, ip = _lang(lang), limits(request), f"ip:{_client(request)}"
    if not lim.views.allow(ip):
        return _notice(request, 429, lang, "slow_down")
    req = _load(request, ref)
    if req is None:  # a wrong reference counts as a guess, like a wrong code
        return (
            _unknown(request, lang, "status")
            if lim.verify_ip.allow(ip)
            else _notice(request, 429, lang, "slow_down")
        )
    message = "new" if new else ("sent" if sent else None)
    return _status_page(request, req, lang, message=message)


@router.get("/privacy/request/{ref}/verify", response_class=HTMLResponse)
@public
def verify_form(request: Request, ref: str, lang: str = "nl") -> Response:
    """The link in the code letter: the same page with the code form (opening it verifies nothing)."""
    return request_status(request, ref, lang)


def _enter_code(request: Request, ref: str, code: str) -> bool:
    keyring = _keyring(request)
    with request.app.state.db.session_scope() as session:
        req = get_request(session, ref=ref)
        return identity.verify_code(session, keyring=keyring, request=req, code=code, actor="anonymous")


@router.post("/privacy/request/{ref}/verify", response_class=HTMLResponse)
@public
async def verify_code(request: Request, ref: str) -> Response:
    """Check the code; any failure reads the same (wrong, expired, reused, or no such person)."""
    form = await _read_form(request, MAX_FORM_BYTES)
    lang = _lang(form.get("lang") if form else None)
    if form is None:
        return _notice(request, 413, lang, "too_big")
    if not _csrf_ok(request, form):
        return _notice(request, 403, lang, "expired_form")
    if not limits(request).verify_ip.allow(f"ip:{_client(request)}"):
        return _notice(request, 429, lang, "slow_down")
    req = _load(request, ref)
    if req is None:
        return _unknown(request, lang, "verify")
    ok = await run_in_threadpool(_enter_code, request, ref, _text(form, "code")[:20])
    if ok:
        return RedirectResponse(f"/privacy/request/{ref}?lang={lang}", status_code=303)
    return _status_page(request, _load(request, ref) or req, lang, status=400, error="code")


def _send_new_code(request: Request, ref: str) -> None:
    keyring = _keyring(request)
    with request.app.state.db.session_scope() as session:
        req = get_request(session, ref=ref)
        if req.status == Status.AWAITING_IDENTITY:
            identity.start_identity_check(
                session,
                keyring=keyring,
                register=current_register(session)[1],
                request=req,
                actor="anonymous",
                base_url=request.app.state.settings.base_url,
            )


@router.post("/privacy/request/{ref}/new-code", response_class=HTMLResponse)
@public
async def new_code(request: Request, ref: str) -> Response:
    """Send a fresh code to the known address (if any): the answer is the same either way."""
    form = await _read_form(request, MAX_FORM_BYTES)
    lang = _lang(form.get("lang") if form else None)
    if form is None or not _csrf_ok(request, form):
        return _notice(request, 403, lang, "expired_form")
    if _load(request, ref) is None:
        return _unknown(request, lang, "new_code")
    if not limits(request).new_code.allow(f"ref:{ref}") or not limits(request).verify_ip.allow(
        f"ip:{_client(request)}"
    ):
        return _notice(request, 429, lang, "slow_down")
    await run_in_threadpool(_send_new_code, request, ref)
    return RedirectResponse(f"/privacy/request/{ref}?lang={lang}&sent=1", status_code=303)


def _watermarked(request: Request, data: bytes, filename: str) -> bytes:
    from privacydesk.idcheck.watermark import add_watermark

    business = _register(request).controller.display_name
    return add_watermark(data, filename=filename, business=business, on=date.today())


def _take_id_copy(
    request: Request, ref: str, data: bytes, filename: str, lang: str
) -> tuple[str, Any] | None:
    """Check and keep an ID copy: None when accepted (kept watermarked), else the refusal message
    and the image with boxes around the readable parts (a data: URI, shown once, never stored)."""
    from privacydesk.idcheck.check import check_id_document

    try:
        result = check_id_document(data, filename=filename)
        kept = _watermarked(request, data, filename) if result.accepted else b""
    except PrivacydeskError as exc:
        return exc.message, None
    keyring = _keyring(request)
    with request.app.state.db.session_scope() as session:
        req = get_request(session, ref=ref)
        if not result.accepted:
            audit.record(
                session,
                action=audit.Action.IDENTITY_DOCUMENT_REFUSED,
                actor="anonymous",
                target_type="request",
                target_id=req.ref,
                details={"parts": [p.value for p in result.parts]},
            )
            return result.message(lang), result.web_preview() if result.previews else None
        identity.store_id_document(
            session,
            keyring=keyring,
            request=req,
            data=kept,
            content_type="image/jpeg",
            check={"accepted": True, "watermarked": True},
            actor="anonymous",
        )
    return None


@router.post("/privacy/request/{ref}/id-document", response_class=HTMLResponse)
@public
async def upload_id_copy(request: Request, ref: str) -> Response:
    """Upload an ID copy (only when staff asked for one); a readable photo, MRZ, number or BSN is refused."""
    form = await _read_form(request, MAX_UPLOAD_BYTES, files=1)
    lang = _lang(form.get("lang") if form else None)
    if form is None:
        return _notice(request, 413, lang, "too_big_file")
    try:  # every way out closes the form, so no spooled upload outlives the request
        return await _id_copy_answer(request, ref, form, lang)
    finally:
        await form.close()


async def _id_copy_answer(request: Request, ref: str, form: FormData, lang: str) -> Response:
    if not _csrf_ok(request, form):
        return _notice(request, 403, lang, "expired_form")
    req = _load(request, ref)
    if req is None or not _id_copy_wanted(request, req):
        return _unknown(request, lang, "id_copy")
    upload = form.get("document")
    if not isinstance(upload, UploadFile):
        return _status_page(request, req, lang, status=400, error="no_file")
    data = await upload.read()
    refusal = await run_in_threadpool(_take_id_copy, request, ref, data, upload.filename or "upload", lang)
    if refusal:
        message, preview = refusal
        return _status_page(request, req, lang, status=400, error="id_copy", message=message, preview=preview)
    return _status_page(request, req, lang, message="id_copy_received")


def _claim(request: Request, token: str) -> Path | None:
    from privacydesk.subject_requests.fulfil.downloads import claim_download

    with request.app.state.db.session_scope() as session:
        return claim_download(session, token=token)


@router.get("/privacy/download/{token}", response_model=None)
@public
def download_answer(request: Request, token: str, lang: str = "nl") -> Response:
    """The answer, once, before the link expires; then the file is deleted."""
    if not limits(request).verify_ip.allow(f"ip:{_client(request)}"):
        return _notice(request, 429, _lang(lang), "slow_down")
    path = _claim(request, token[:100])
    if path is None:
        return _notice(request, 404, _lang(lang), "bad_link")
    return FileResponse(
        path,
        media_type="application/zip",
        filename=path.name,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
