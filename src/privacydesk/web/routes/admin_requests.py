"""Requests in the admin: the queue (overdue first, both clocks) and each request with every step of
its workflow as a button — identity check, ID copy, extension, refusal, closing — and its history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privacydesk.auth import Permission
from privacydesk.errors import NotFound, PrivacydeskError
from privacydesk.register.model import Register
from privacydesk.register.service import current_register
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.subject_requests import answer, identity, intake, lifecycle
from privacydesk.subject_requests.domain import Status
from privacydesk.subject_requests.records import get_request
from privacydesk.web.access import Principal, audit_view, keyring, require
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
Handler = Annotated[Principal, Depends(require(Permission.HANDLE_REQUESTS))]
LETTER_OF_STEP = {
    "received": "acknowledgement",
    "code_sent": "identity code",
    "id_copy_requested": "request for an ID copy",
    "extended": "extension notice",
    "refused": "refusal",
    "fulfilled": "answer",
}


def exports_dir(request: Request) -> Path:
    """Where answers are written: the same place as `privacydesk requests fulfil` uses."""
    return Path(request.app.state.settings.data_dir) / "exports"


@router.get("/admin/requests", response_class=HTMLResponse)
def queue(request: Request, principal: Handler, closed: bool = False) -> HTMLResponse:
    """Open requests, overdue first, then by days left; no personal data on this page."""
    with request.app.state.db.session_scope(readonly=True) as session:
        items = lifecycle.list_requests(session, today=date.today(), include_closed=closed)
    return render(request, "admin_requests.html", active="requests", items=items, closed=closed, lang="en")


@dataclass(frozen=True)
class Ctx:
    keyring: Keyring
    register: Register
    request: SubjectRequest
    actor: str
    base_url: str
    exports: Path


class FieldError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name, self.message = name, message


def _needs(value: str, name: str, what: str) -> str:
    if len(value.strip()) < 3:
        raise FieldError(name, what)
    return value.strip()


def _send_code(s: Session, c: Ctx, f: dict[str, str]) -> str:
    sent = identity.start_identity_check(
        s, keyring=c.keyring, register=c.register, request=c.request, actor=c.actor, base_url=c.base_url
    )
    return "code sent to the address we hold" if sent else "no address on file: confirm by other means"


def _confirm_identity(s: Session, c: Ctx, f: dict[str, str]) -> str:
    note = _needs(f["note"], "note", "Say how you confirmed who they are.")
    identity.confirm_identity(s, keyring=c.keyring, request=c.request, note=note, actor=c.actor)
    return "identity confirmed"


def _ask_id_copy(s: Session, c: Ctx, f: dict[str, str]) -> str:
    reason = _needs(f["reason"], "reason", "Say why an ID copy is needed.")
    identity.ask_for_id_copy(s, keyring=c.keyring, request=c.request, reason=reason, actor=c.actor)
    return "ID copy asked for"


def _decide_id(accept: bool) -> Callable[[Session, Ctx, dict[str, str]], str]:
    def decide(s: Session, c: Ctx, f: dict[str, str]) -> str:
        note = _needs(f["note"], "note", "Note what you checked on the copy.")
        identity.decide_id_document(
            s, keyring=c.keyring, request=c.request, accept=accept, note=note, actor=c.actor
        )
        return "ID copy accepted and deleted" if accept else "ID copy refused and deleted"

    return decide


def _confirm_draft(s: Session, c: Ctx, f: dict[str, str]) -> str:
    intake.confirm_draft(
        s, keyring=c.keyring, register=c.register, request=c.request, actor=c.actor, base_url=c.base_url
    )
    return "confirmed as a request; the clock runs"


def _extend(s: Session, c: Ctx, f: dict[str, str]) -> str:
    if f["months"] not in ("1", "2"):
        raise FieldError("months", "Extend by one or two months.")
    reason = _needs(f["reason"], "reason", "Give the reason the requester will read.")
    lifecycle.extend_request(
        s,
        keyring=c.keyring,
        register=c.register,
        request=c.request,
        months=int(f["months"]),
        reason=reason,
        today=date.today(),
        actor=c.actor,
    )
    return "extended; the requester is told why"


def _refuse(s: Session, c: Ctx, f: dict[str, str]) -> str:
    reason = _needs(f["reason"], "reason", "Give the reason the requester will read.")
    lifecycle.refuse_request(
        s, keyring=c.keyring, register=c.register, request=c.request, reason=reason, actor=c.actor
    )
    return "refused; the requester is told why"


def _fulfil(s: Session, c: Ctx, f: dict[str, str]) -> str:
    result = answer.fulfil_request(
        s,
        keyring=c.keyring,
        register=c.register,
        request=c.request,
        out_dir=c.exports,
        base_url=c.base_url,
        today=date.today(),
        actor=c.actor,
    )
    return f"carried out; {len(result.files)} file(s) for the requester, answer letter sent"


def _close(s: Session, c: Ctx, f: dict[str, str]) -> str:
    lifecycle.close_request(s, keyring=c.keyring, request=c.request, actor=c.actor, note=f["note"] or None)
    return "closed"


STEPS: dict[str, Callable[[Session, Ctx, dict[str, str]], str]] = {
    "send-code": _send_code,
    "confirm-identity": _confirm_identity,
    "ask-id-copy": _ask_id_copy,
    "accept-id-copy": _decide_id(True),
    "refuse-id-copy": _decide_id(False),
    "confirm-draft": _confirm_draft,
    "extend": _extend,
    "refuse": _refuse,
    "fulfil": _fulfil,
    "close": _close,
}
#: Which buttons each status shows (the services refuse anything else anyway).
STEPS_FOR: dict[str, tuple[str, ...]] = {
    Status.DRAFT: ("confirm-draft", "close"),
    Status.RECEIVED: ("send-code", "confirm-identity", "ask-id-copy", "extend", "refuse"),
    Status.AWAITING_IDENTITY: (
        "send-code",
        "confirm-identity",
        "ask-id-copy",
        "accept-id-copy",
        "refuse-id-copy",
        "extend",
        "refuse",
    ),
    Status.VERIFIED: ("fulfil", "extend", "refuse"),
    Status.IN_PROGRESS: ("fulfil", "extend", "refuse"),
    Status.ANSWERED: ("close",),
    Status.REFUSED: ("close",),
    Status.CLOSED: (),
}


def _detail_page(
    request: Request, principal: Principal, ref: str, *, errors: dict[str, str] | None = None, done: str = ""
) -> HTMLResponse:
    with request.app.state.db.session_scope(readonly=True) as session:
        found = get_request(session, ref=ref)
        detail = lifecycle.request_detail(
            session, keyring=keyring(request), request=found, today=date.today()
        )
    audit_view(request, principal, target_type="request", target_id=detail.item.ref)
    return render(
        request,
        "admin_request.html",
        status_code=422 if errors else 200,
        active="requests",
        d=detail,
        steps=[s for s in STEPS_FOR.get(detail.item.status, ()) if s in STEPS],
        letters=LETTER_OF_STEP,
        errors=errors or {},
        done=done,
        lang="en",
    )


@router.get("/admin/requests/{ref}", response_class=HTMLResponse)
def detail(request: Request, ref: str, principal: Handler, done: str = "") -> HTMLResponse:
    """One request: what was asked, by whom, both clocks, every step so far and the next ones."""
    return _detail_page(request, principal, ref, done=done[:60])


def _run_step(request: Request, principal: Principal, ref: str, step: str, form: dict[str, str]) -> str:
    with request.app.state.db.session_scope() as session:
        _, reg = current_register(session)
        found = get_request(session, ref=ref, for_update=True)
        settings = request.app.state.settings
        ctx = Ctx(keyring(request), reg, found, principal.actor, settings.base_url, exports_dir(request))
        return STEPS[step](session, ctx, form)


@router.post("/admin/requests/{ref}/steps/{step}", response_model=None)
def take_step(
    request: Request,
    ref: str,
    step: str,
    principal: Handler,
    note: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    months: Annotated[str, Form(max_length=2)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Take one step of the workflow; a refusal by the rules is shown next to the step's button."""
    check_session_csrf(request, csrf)
    if step not in STEPS:
        raise NotFound("no such step")
    try:
        done = _run_step(request, principal, ref, step, {"note": note, "reason": reason, "months": months})
    except FieldError as exc:
        return _detail_page(request, principal, ref, errors={f"{step}-{exc.name}": exc.message})
    except NotFound:
        raise
    except PrivacydeskError as exc:
        return _detail_page(request, principal, ref, errors={step: exc.message})
    return RedirectResponse(f"/admin/requests/{ref}?done={done.replace(' ', '+')}", status_code=303)


@router.get("/admin/requests/{ref}/files/{name}", response_model=None)
def answer_file(request: Request, ref: str, name: str, principal: Handler) -> Response:
    """A file of the answer (e.g. the access ZIP), for staff to check what the requester receives."""
    with request.app.state.db.session_scope(readonly=True) as session:
        found = get_request(session, ref=ref)
        files = list((found.outcome or {}).get("files", []))
        request_ref = found.ref
    path = exports_dir(request) / name
    if name not in files or "/" in name or not path.is_file():
        raise NotFound("no such file for this request", hint="it may have been removed after erasure")
    audit_view(request, principal, target_type="request", target_id=request_ref)
    return FileResponse(path, filename=name, media_type="application/zip" if name.endswith(".zip") else None)
