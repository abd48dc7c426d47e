"""People: find a person by any identifier or name; their page shows all their data by purpose
(source and erase date per record), consents with history and requests, with the actions staff
take on them: rectify, restrict, open a request. Every page that shows personal data is audited
(SUBJECT_VIEWED, written by the store's `subject_view`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privacydesk import subjects
from privacydesk.auth import Permission
from privacydesk.consent import ledger
from privacydesk.errors import NotFound, PrivacydeskError, UnusableInput
from privacydesk.register.service import current_register
from privacydesk.retention import holds
from privacydesk.store.models.subjects import Record
from privacydesk.subject_requests import identity, intake, lifecycle
from privacydesk.subject_requests.domain import Channel, RequestKind
from privacydesk.web.access import Principal, keyring, require
from privacydesk.web.csrf import check_session_csrf
from privacydesk.web.templating import render

router = APIRouter()
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_PERSONAL_DATA))]
Editor = Annotated[Principal, Depends(require(Permission.EDIT_PERSONAL_DATA))]
Handler = Annotated[Principal, Depends(require(Permission.HANDLE_REQUESTS))]
CsrfField = Annotated[str, Form(max_length=100)]
MAX_RESULTS = 25


@router.get("/admin/people", response_class=HTMLResponse)
def people(
    request: Request, principal: Viewer, q: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    """Search by e-mail, phone, IBAN or name; each person shown is a view of their data (audited)."""
    results: list[subjects.SubjectView] = []
    error = None
    if q.strip():
        with request.app.state.db.session_scope() as session:
            found = subjects.find_subjects(session, keyring=keyring(request), query=q.strip())
            results = [_view(session, request, s.id, principal) for s in found[:MAX_RESULTS]]
        if not results:
            error = "Nobody matches. Try the full e-mail address, phone number, IBAN or name."
    fragment = request.headers.get("hx-request") == "true"
    return render(
        request,
        "admin_people_results.html" if fragment else "admin_people.html",
        active="people",
        q=q,
        results=results,
        more=len(results) == MAX_RESULTS,
        error=error,
        display_name=subjects.display_name,
        lang="en",
    )


def _view(session: Session, request: Request, subject_id: int, principal: Principal) -> subjects.SubjectView:
    return subjects.subject_view(
        session, keyring=keyring(request), subject_id=subject_id, actor=principal.actor
    )


@dataclass
class PersonPage:
    view: subjects.SubjectView
    consents: list[Any] = field(default_factory=list)
    requests: list[lifecycle.QueueItem] = field(default_factory=list)
    holds: list[holds.HoldView] = field(default_factory=list)


def _person(session: Session, request: Request, ref: str, principal: Principal) -> PersonPage:
    subject = subjects.get_subject(session, ref=ref)
    page = PersonPage(_view(session, request, subject.id, principal))
    events = ledger.events_for_subject(session, subject_id=ref) + ledger.events_for_subject(
        session, subject_id=subject.id
    )
    page.consents = sorted(events, key=lambda e: e.at, reverse=True)
    queue = lifecycle.list_requests(session, today=date.today(), include_closed=True)
    page.requests = [item for item in queue if item.subject_ref == ref]
    page.holds = holds.holds_on_subject(session, subject_id=subject.id, today=date.today())
    session.expunge_all()
    return page


def _person_page(
    request: Request, principal: Principal, ref: str, *, errors: dict[str, str] | None = None, done: str = ""
) -> HTMLResponse:
    with request.app.state.db.session_scope() as session:
        _, reg = current_register(session)
        page = _person(session, request, ref, principal)
    return render(
        request,
        "admin_person.html",
        status_code=422 if errors else 200,
        active="people",
        page=page,
        reg=reg,
        errors=errors or {},
        done=done,
        kinds=list(RequestKind),
        display_name=subjects.display_name,
        today=date.today(),
        lang="en",
    )


@router.get("/admin/people/{ref}", response_class=HTMLResponse)
def person(request: Request, ref: str, principal: Viewer, done: str = "") -> HTMLResponse:
    """All of one person's data, grouped by purpose, with what can be done about it."""
    return _person_page(request, principal, ref, done=done[:40])


def _own_record(session: Session, ref: str, record_id: int) -> Record:
    record = session.get(Record, record_id)
    subject = subjects.get_subject(session, ref=ref)
    if record is None or record.subject_id != subject.id:
        raise NotFound("no such record for this person")
    return record


def _done(ref: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/people/{ref}?done={what}", status_code=303)


@router.post("/admin/people/{ref}/records/{record_id}/rectify", response_model=None)
def rectify(
    request: Request,
    ref: str,
    record_id: int,
    principal: Editor,
    field_name: Annotated[str, Form(max_length=64)] = "",
    value: Annotated[str, Form(max_length=2000)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Correct one field of a record (art. 16); the old value stays in the record's history."""
    check_session_csrf(request, csrf)
    if not field_name.strip() or not value.strip():
        errors = {f"rectify-{record_id}": "Name the field and give its corrected value."}
        return _person_page(request, principal, ref, errors=errors)
    try:
        with request.app.state.db.session_scope() as session:
            _own_record(session, ref, record_id)
            subjects.rectify_record(
                session,
                keyring=keyring(request),
                record_id=record_id,
                changes={field_name.strip(): value.strip()},
                actor=principal.actor,
            )
    except NotFound:
        raise
    except PrivacydeskError as exc:
        return _person_page(request, principal, ref, errors={f"rectify-{record_id}": exc.message})
    return _done(ref, "rectified")


@router.post("/admin/people/{ref}/records/{record_id}/restrict", response_model=None)
def restrict(
    request: Request,
    ref: str,
    record_id: int,
    principal: Editor,
    reason: Annotated[str, Form(max_length=500)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Restrict a record's use (art. 18), with the reason."""
    check_session_csrf(request, csrf)
    if len(reason.strip()) < 3:
        return _person_page(
            request, principal, ref, errors={f"restrict-{record_id}": "Say why the use is restricted."}
        )
    with request.app.state.db.session_scope() as session:
        _own_record(session, ref, record_id)
        subjects.restrict_record(session, record_id=record_id, reason=reason.strip(), actor=principal.actor)
    return _done(ref, "restricted")


@router.post("/admin/people/{ref}/requests", response_model=None)
def open_request(
    request: Request,
    ref: str,
    principal: Handler,
    kinds: Annotated[list[str] | None, Form(max_length=10)] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Open a request on this person's behalf (e.g. asked by phone or at the desk)."""
    check_session_csrf(request, csrf)
    if not kinds:
        return _person_page(request, principal, ref, errors={"kinds": "Tick at least one right."})
    with request.app.state.db.session_scope() as session:
        _, reg = current_register(session)
        subject = subjects.get_subject(session, ref=ref)
        emails = identity.stored_emails(session, keyring=keyring(request), subject=subject)
        opened = intake.open_request(
            session,
            keyring=keyring(request),
            register=reg,
            intake=intake.Intake(
                kinds=kinds,
                channel=Channel.STAFF,
                subject_ref=ref,
                email=emails[0] if emails else None,
                message=note or None,
            ),
            actor=principal.actor,
            base_url=request.app.state.settings.base_url,
        )
        request_ref = opened.ref
    return RedirectResponse(f"/admin/requests/{request_ref}", status_code=303)


def _ends_on(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value.strip() else None
    except ValueError:
        raise UnusableInput("give the end date as YYYY-MM-DD, or leave it empty") from None


@router.post("/admin/people/{ref}/holds", response_model=None)
def place_hold(
    request: Request,
    ref: str,
    principal: Annotated[Principal, Depends(require(Permission.PLACE_HOLD))],
    reason: Annotated[str, Form(max_length=500)] = "",
    ends_on: Annotated[str, Form(max_length=20)] = "",
    csrf: CsrfField = "",
) -> Response:
    """Put a legal hold on all of this person's data: retention and erasure leave it alone."""
    check_session_csrf(request, csrf)
    try:
        until = _ends_on(ends_on)
        if len(reason.strip()) < 3:
            raise UnusableInput("Say why the data must be kept (e.g. the case number).")
        with request.app.state.db.session_scope() as session:
            holds.place_hold(
                session,
                subject_ref=ref,
                reason=reason,
                ends_on=until,
                today=date.today(),
                actor=principal.actor,
            )
    except NotFound:
        raise
    except PrivacydeskError as exc:
        return _person_page(request, principal, ref, errors={"hold": exc.message})
    return _done(ref, "hold+placed")
