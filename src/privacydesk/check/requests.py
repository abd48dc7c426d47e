"""Art. 7: requests answered within the promised term and the legal one, with every part, and ID
copies gone once the identity check is decided."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from privacydesk.check.model import Context, Violation
from privacydesk.store.models.requests import IdentityDocument, SubjectRequest
from privacydesk.subject_requests.domain import OPEN_STATUSES, Status
from privacydesk.subject_requests.lifecycle import clocks_of

# A late answer stays in the record for a year: long enough for the yearly report to say so.
LOOKBACK = timedelta(days=365)
ANSWERED = (Status.ANSWERED, Status.CLOSED)


def _late(request: SubjectRequest, on: date) -> list[str]:
    c = clocks_of(request, on)
    late = []
    if on > c.promised and not request.extension_months:
        late.append(f"promised term (until {c.promised.isoformat()})")
    if on > c.legal:
        late.append(f"legal term (until {c.legal.isoformat()})")
    return late


def _evidence(request: SubjectRequest) -> dict[str, object]:
    return {
        "request_ref": request.ref,
        "kinds": list(request.kinds),
        "status": request.status,
        "received_on": request.received_on.isoformat(),
        "extension_months": request.extension_months,
    }


def requests_past_term(ctx: Context) -> list[Violation]:
    """Open requests past a deadline, and answers of the last year that went out after one."""
    query = select(SubjectRequest).where(
        SubjectRequest.status.in_([s.value for s in (*OPEN_STATUSES, *ANSWERED)])
    )
    out = []
    for request in ctx.session.execute(query.order_by(SubjectRequest.id)).scalars():
        answered = request.answered_at.date() if request.answered_at else None
        if answered is None and request.status in [s.value for s in OPEN_STATUSES]:
            late, verb = _late(request, ctx.today), "is still open past its"
        elif answered is not None and answered >= ctx.today - LOOKBACK:
            late, verb = _late(request, answered), "was answered after its"
        else:
            continue
        if late:
            fix = ("answer it now and apologise in the answer letter" if answered is None
                   else "nothing to undo; see why it was late so the next one is on time")  # fmt: skip
            out.append(Violation(f"request {verb} " + " and ".join(late), _evidence(request), fix))
    return out


def _missing_parts(request: SubjectRequest) -> list[str]:
    outcome = request.outcome or {}
    # A refusal's answer is its reasons (art. 12(4)), not a carried-out request: nothing to miss.
    if outcome.get("no_data") or "summaries" not in outcome:
        return []
    done = {s.get("request_type") for s in outcome.get("summaries", [])}
    missing = [k for k in request.kinds if k not in done]
    if ("access" in request.kinds or "portability" in request.kinds) and not outcome.get("files"):
        missing.append("the copy of the data (no file was handed out)")
    return missing


def answers_incomplete(ctx: Context) -> list[Violation]:
    """Answers sent without a part the request asked for (each kind carried out; a copy for access)."""
    query = select(SubjectRequest).where(SubjectRequest.answered_at.is_not(None)).order_by(SubjectRequest.id)
    out = []
    for request in ctx.session.execute(query).scalars():
        missing = _missing_parts(request)
        if missing:
            out.append(
                Violation(
                    "an answer was sent without: " + ", ".join(missing),
                    {**_evidence(request), "missing": missing},
                    "carry out the missing part and send a supplementary answer",
                )
            )
    return out


def id_copies_kept(ctx: Context) -> list[Violation]:
    """ID copies still stored after the identity check they were for was decided."""
    waiting = (Status.RECEIVED.value, Status.AWAITING_IDENTITY.value)
    rows = ctx.session.execute(
        select(IdentityDocument.id, IdentityDocument.uploaded_at, SubjectRequest.ref, SubjectRequest.status)
        .join(SubjectRequest, SubjectRequest.id == IdentityDocument.request_id)
        .where(SubjectRequest.status.not_in(waiting))
        .order_by(IdentityDocument.id)
    ).all()
    return [
        Violation(
            "an ID copy is still stored although the identity check is over",
            {
                "document_id": doc_id,
                "request_ref": ref,
                "request_status": status,
                "uploaded_on": uploaded.date().isoformat(),
            },
            "delete the copy (the request's page, 'ID copy' → decide): "
            "the statement keeps it no longer than the check",
        )  # fmt: skip
        for doc_id, uploaded, ref, status in rows
    ]
