"""The cookie banner (`/consent.js`, `/consent.css`), its decision endpoint (`POST /api/consent`)
and the Global Privacy Control statement (`/.well-known/gpc.json`).

These are embedded on the business's own website, so they answer cross-origin requests; they never
store an IP address (at most a truncated one, when the register says so).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from privacydesk.consent import banner, ledger, newsletter
from privacydesk.consent.batch import GroupCommitWriter
from privacydesk.consent.keys import bind_settings
from privacydesk.errors import NotFound, UnusableInput
from privacydesk.register.service import current_register
from privacydesk.store.base import utcnow
from privacydesk.subject_requests.ratelimit import RateLimiter
from privacydesk.web.access import public
from privacydesk.web.templating import render

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
    await _writer(request).submit(rows)
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


# --- portal pages: newsletter, unsubscribe, preferences ----------------------------------------

FORM_CSRF_COOKIE = "pd_consent_csrf"
MAX_FORM_BYTES = 8 * 1024
WEB_ACTOR = "web:portal"


def _lang(value: object) -> str:
    return "en" if value == "en" else "nl"


def _bound(request: Request, session: Session) -> Session:
    return bind_settings(session, request.app.state.settings)


def _with_csrf(request: Request, template: str, status_code: int, **context: Any) -> Response:
    token = request.cookies.get(FORM_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, template, status_code=status_code, csrf=token, **context)
    response.set_cookie(
        FORM_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


async def _form(request: Request, *, csrf: bool = True) -> dict[str, str]:
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_FORM_BYTES:
        raise HTTPException(413, "the form is too large")
    form = await request.form(max_files=0, max_fields=20)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if csrf:
        cookie = request.cookies.get(FORM_CSRF_COOKIE)
        sent = values.get("csrf", "")
        if not cookie or not sent or not secrets.compare_digest(cookie, sent):
            raise HTTPException(403, "the form has expired; reload the page and try again")
    return values


def _message(
    request: Request, lang: str, title: tuple[str, str], lines: list[tuple[str, str]], **kw: Any
) -> Response:
    pick = 1 if lang == "en" else 0
    return render(
        request,
        "consent_message.html",
        status_code=kw.pop("status_code", 200),
        lang=lang,
        title=title[pick],
        lines=[line[pick] for line in lines],
        alert=kw.pop("alert", False),
        back=kw.pop("back", None),
    )


BAD_LINK = (
    ("Deze link werkt niet", "This link does not work"),
    [
        (
            "De link is onvolledig, te oud of niet van ons. Er is niets veranderd.",
            "The link is incomplete, too old or not ours. Nothing was changed.",
        ),
        (
            "Gebruik de link uit de nieuwste e-mail, of vraag een nieuwe aan.",
            "Use the link from the newest e-mail, or ask for a new one.",
        ),
    ],
)


def _bad_link(request: Request, lang: str) -> Response:
    return _message(request, lang, BAD_LINK[0], BAD_LINK[1], status_code=404, alert=True)


# The forms that mail someone (newsletter sign-up, preferences link) get the request form's budgets:
# per IP, and per address so nobody can fill another person's inbox with confirmation mails.
MAIL_FORM_LIMITS = ((10, 3600), (3, 3600))
SLOW_DOWN = (
    ("Even geduld", "Please wait a while"),
    [
        (
            "Dit formulier is vanaf hier of voor dit e-mailadres te vaak verstuurd. "
            "Probeer het over een uur opnieuw; er is niets verstuurd.",
            "This form was sent many times from here or for this e-mail address. "
            "Try again in an hour; nothing was sent.",
        )
    ],
)


def _mail_form_allowed(request: Request, email: str) -> bool:
    """Count one mailing form submission; False when this IP or this address is over its budget."""
    limits = getattr(request.app.state, "consent_form_limits", None)
    if limits is None:
        limits = tuple(RateLimiter(limit, window) for limit, window in MAIL_FORM_LIMITS)
        request.app.state.consent_form_limits = limits
    by_ip, by_address = limits
    client = request.client.host if request.client else "unknown"
    return bool(by_ip.allow(f"ip:{client}") and by_address.allow("email:" + email.strip().lower()))


def _slow_down(request: Request, lang: str, back: str) -> Response:
    response = _message(request, lang, SLOW_DOWN[0], SLOW_DOWN[1], status_code=429, alert=True, back=back)
    response.headers["Retry-After"] = "3600"
    return response


def _newsletter_texts(request: Request, lang: str) -> dict[str, str]:
    with request.app.state.db.session_scope(readonly=True) as session:
        _, reg = current_register(session)
    purpose = reg.purpose(newsletter.PURPOSE)
    if purpose is None:
        raise HTTPException(404, "this business has no newsletter")
    consent = purpose.consent.description.get(lang) if purpose.consent and purpose.consent.description else ""
    return {"purpose_name": purpose.name.get(lang), "consent_text": consent}


@router.get("/privacy/newsletter", response_class=HTMLResponse)
@public
def newsletter_form(request: Request, lang: str = "nl") -> Response:
    """The subscription form (double opt-in; nothing is pre-ticked, the button is the choice)."""
    lang = _lang(lang)
    return _with_csrf(
        request,
        "consent_newsletter.html",
        200,
        lang=lang,
        error=None,
        email="",
        **_newsletter_texts(request, lang),
    )


@router.post("/privacy/newsletter", response_class=HTMLResponse)
@public
async def newsletter_subscribe(request: Request) -> Response:
    """Mail the confirmation link; the answer is the same whether or not the address is known."""
    form = await _form(request)
    lang, email = _lang(form.get("lang")), form.get("email", "")[:320]
    if not _mail_form_allowed(request, email):
        return _slow_down(request, lang, "/privacy/newsletter" + ("?lang=en" if lang == "en" else ""))
    try:
        await run_in_threadpool(_queue_confirmation, request, email, lang)
    except UnusableInput:
        error = "Enter a valid e-mail address." if lang == "en" else "Vul een geldig e-mailadres in."
        texts = _newsletter_texts(request, lang)
        return _with_csrf(
            request, "consent_newsletter.html", 422, lang=lang, error=error, email=email, **texts
        )
    return _message(
        request,
        lang,
        ("Kijk in je mailbox", "Check your inbox"),
        [
            (
                "We hebben je een e-mail gestuurd met een bevestigingslink. "
                "Pas na je klik ontvang je de nieuwsbrief.",
                "We sent you an e-mail with a confirmation link. "
                "Only after you click it do you get the newsletter.",
            )
        ],
    )


def _queue_confirmation(request: Request, email: str, lang: str) -> None:
    with request.app.state.db.session_scope() as session:
        newsletter.request_subscription(_bound(request, session), email=email, lang=lang, actor=WEB_ACTOR)


@router.get("/privacy/newsletter/confirm/{token}", response_class=HTMLResponse)
@public
def newsletter_confirm_page(request: Request, token: str) -> Response:
    """A button to confirm: a GET never changes anything (mail scanners open links)."""
    try:
        payload = newsletter.unseal(request.app.state.settings, token, max_age=newsletter.CONFIRM_TTL)
    except newsletter.BadLink:
        return _bad_link(request, "nl")
    lang = _lang(payload.get("l"))
    en = lang == "en"
    return render(
        request,
        "consent_confirm.html",
        lang=lang,
        title="Confirm your subscription" if en else "Bevestig je aanmelding",
        lines=[_newsletter_texts(request, lang)["purpose_name"] + "."],
        action=f"/privacy/newsletter/confirm/{token}",
        fields={},
        button="Yes, send me the newsletter" if en else "Ja, stuur mij de nieuwsbrief",
    )


@router.post("/privacy/newsletter/confirm/{token}", response_class=HTMLResponse)
@public
def newsletter_confirm(request: Request, token: str) -> Response:
    """Record the consent (double opt-in complete)."""
    try:
        with request.app.state.db.session_scope() as session:
            newsletter.confirm_subscription(_bound(request, session), token=token, actor=WEB_ACTOR)
            lang = _lang(
                newsletter.unseal(request.app.state.settings, token, max_age=newsletter.CONFIRM_TTL).get("l")
            )
    except newsletter.BadLink:
        return _bad_link(request, "nl")
    return _message(
        request,
        lang,
        ("Je bent aangemeld", "You are subscribed"),
        [("Dank je wel. Afmelden kan met één klik in elke nieuwsbrief.",
          "Thank you. Every newsletter has a one-click unsubscribe link.")],
    )  # fmt: skip


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
@public
def unsubscribe_page(request: Request, token: str, lang: str = "nl") -> Response:
    """One button to unsubscribe, without login."""
    lang = _lang(lang)
    try:
        newsletter.subject_of_unsubscribe(request.app.state.settings, token)
    except newsletter.BadLink:
        return _bad_link(request, lang)
    en = lang == "en"
    return render(
        request,
        "consent_confirm.html",
        lang=lang,
        title="Unsubscribe" if en else "Afmelden",
        lines=[
            ("You will no longer receive: " if en else "Je ontvangt dan niet meer: ")
            + _newsletter_texts(request, lang)["purpose_name"].lower()
            + ".",
            "One click is enough; you do not need to log in."
            if en
            else "Eén klik is genoeg; inloggen is niet nodig.",
        ],
        action=f"/unsubscribe/{token}",
        fields={"List-Unsubscribe": "One-Click", "via": "page", "lang": lang},
        button="Unsubscribe" if en else "Afmelden",
    )


@router.post("/unsubscribe/{token}", response_model=None)
@public
async def unsubscribe(request: Request, token: str) -> Response:
    """RFC 8058 one-click unsubscribe (a mail client posts `List-Unsubscribe=One-Click`), and the
    button of the page above. No login and no CSRF token: the signed link is the authority."""
    form = await _form(request, csrf=False)
    page = form.get("via") == "page"
    lang = _lang(form.get("lang"))
    if not page and form.get("List-Unsubscribe") != "One-Click":
        return PlainTextResponse("expected List-Unsubscribe=One-Click (RFC 8058)", status_code=400)
    try:
        await run_in_threadpool(_unsubscribe, request, token, "page" if page else "one_click")
    except newsletter.BadLink:
        return _bad_link(request, lang) if page else PlainTextResponse("unknown link", status_code=404)
    if not page:
        return PlainTextResponse("unsubscribed")
    return _message(
        request,
        lang,
        ("Je bent afgemeld", "You are unsubscribed"),
        [
            (
                "Je ontvangt geen nieuwsbrief of folders meer van ons.",
                "You will not get newsletters or leaflets from us.",
            )
        ],
    )


def _unsubscribe(request: Request, token: str, method: str) -> None:
    with request.app.state.db.session_scope() as session:
        newsletter.unsubscribe(_bound(request, session), token=token, method=method, actor="web:unsubscribe")


@router.get("/privacy/preferences", response_class=HTMLResponse)
@public
def preferences_ask(request: Request, lang: str = "nl") -> Response:
    """Ask for the address to send the magic link to."""
    return _with_csrf(
        request, "consent_preferences_ask.html", 200, with_banner=True, lang=_lang(lang), error=None, email=""
    )


@router.post("/privacy/preferences", response_class=HTMLResponse)
@public
async def preferences_request(request: Request) -> Response:
    """Mail the magic link if the address is known; the answer never says whether it is."""
    form = await _form(request)
    lang, email = _lang(form.get("lang")), form.get("email", "")[:320]
    if not _mail_form_allowed(request, email):
        return _slow_down(request, lang, "/privacy/preferences" + ("?lang=en" if lang == "en" else ""))
    try:
        await run_in_threadpool(_queue_preferences, request, email, lang)
    except UnusableInput:
        error = "Enter a valid e-mail address." if lang == "en" else "Vul een geldig e-mailadres in."
        return _with_csrf(request, "consent_preferences_ask.html", 422, lang=lang, error=error, email=email)
    return _message(
        request,
        lang,
        ("Kijk in je mailbox", "Check your inbox"),
        [("Als we dit adres kennen, hebben we je een link gestuurd. Die is 24 uur geldig.",
          "If we know this address, we sent you a link. It works for 24 hours.")],
    )  # fmt: skip


def _queue_preferences(request: Request, email: str, lang: str) -> None:
    with request.app.state.db.session_scope() as session:
        newsletter.request_preferences_link(_bound(request, session), email=email, lang=lang, actor=WEB_ACTOR)


CHANNEL_WORDS = {
    "banner": ("cookiemelding", "cookie banner"),
    "form": ("aanmeldformulier, bevestigd per e-mail", "sign-up form, confirmed by e-mail"),
    "email_link": ("link in een e-mail", "link in an e-mail"),
    "staff": ("vastgelegd door onze medewerker", "recorded by our staff"),
    "gpc": ("Global Privacy Control", "Global Privacy Control"),
}


def _history(events: list[Any], lang: str) -> list[dict[str, str]]:
    words = {
        "given": ("toestemming gegeven", "consent given"),
        "refused": ("geweigerd", "refused"),
        "withdrawn": ("ingetrokken", "withdrawn"),
        "expired": ("verlopen", "expired"),
    }
    pick = 1 if lang == "en" else 0
    return [
        {
            "at": e.at.strftime("%Y-%m-%d %H:%M"),
            "what": f"{e.purpose}: {words[e.state][pick]}",
            "how": CHANNEL_WORDS.get(e.channel, (e.channel, e.channel))[pick],
        }
        for e in reversed(events)
    ]


def _preferences_page(request: Request, token: str, *, saved: bool, lang: str | None = None) -> Response:
    with request.app.state.db.session_scope() as session:
        bound = _bound(request, session)
        subject_id, link_lang = newsletter.subject_of_preferences(bound, token=token)
        lang = _lang(lang or link_lang)
        state = newsletter.newsletter_state(bound, subject_id=subject_id)
        history = _history(ledger.events_for_subject(bound, subject_id=subject_id), lang)
    return _with_csrf(
        request,
        "consent_preferences.html",
        200,
        with_banner=True,
        lang=lang,
        token=token,
        saved=saved,
        subscribed=state is not None and state.is_valid,
        exception=state is not None and state.ground is ledger.Ground.CUSTOMER_EXCEPTION,
        history=history,
        **{k: v for k, v in _newsletter_texts(request, lang).items() if k == "purpose_name"},
    )


@router.get("/privacy/preferences/{token}", response_class=HTMLResponse)
@public
def preferences_page(request: Request, token: str, lang: str | None = None) -> Response:
    """A person's consents, reached through the e-mailed magic link."""
    try:
        return _preferences_page(request, token, saved=False, lang=lang)
    except newsletter.BadLink:
        return _bad_link(request, "nl")


@router.post("/privacy/preferences/{token}", response_class=HTMLResponse)
@public
async def preferences_save(request: Request, token: str) -> Response:
    """Give or withdraw the newsletter consent from the preferences page."""
    form = await _form(request)
    try:
        await run_in_threadpool(_save_preference, request, token, form.get("newsletter") == "yes")
        return await run_in_threadpool(_preferences_page, request, token, saved=True)
    except newsletter.BadLink:
        return _bad_link(request, "nl")


def _save_preference(request: Request, token: str, subscribed: bool) -> None:
    with request.app.state.db.session_scope() as session:
        newsletter.set_newsletter_preference(
            _bound(request, session), token=token, subscribed=subscribed, actor=WEB_ACTOR
        )
