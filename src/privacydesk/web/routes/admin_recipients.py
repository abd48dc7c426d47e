"""Recipients and agreements: each processor's DPA and its art. 28(3) checklist, missing or
incomplete or old agreements flagged, and which categories of data each recipient receives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from privacydesk.auth import Permission
from privacydesk.register.model import DpaClauses, Recipient, RecipientRole, Register
from privacydesk.register.service import current_register
from privacydesk.web.access import Principal, require
from privacydesk.web.templating import render

router = APIRouter()
REVIEW_AFTER_YEARS = 3
CLAUSES = {
    "documented_instructions": "(a) processes only on documented instructions",
    "confidentiality": "(b) people processing the data are bound to confidentiality",
    "security_measures": "(c) takes the security measures of art. 32",
    "sub_processors": "(d) engages sub-processors only with permission, on the same terms",
    "assist_data_subject_rights": "(e) helps answer people's requests",
    "assist_security_obligations": "(f) helps with security, breaches and impact assessments",
    "delete_or_return": "(g) deletes or returns the data when the service ends",
    "audits_and_information": "(h) gives information and allows audits",
}


@dataclass(frozen=True)
class RecipientRow:
    recipient: Recipient
    purposes: list[str]
    categories: list[str]
    flag: str | None
    flag_level: str


def dpa_flag(r: Recipient, today: date) -> tuple[str | None, str]:
    """Why a recipient's agreement needs attention (missing, incomplete, undated, old), if it does."""
    if r.role != RecipientRole.PROCESSOR:
        return None, ""
    if r.dpa is None:
        return "No data-processing agreement", "bad"
    if r.dpa.clauses.missing():
        return f"{len(r.dpa.clauses.missing())} of 8 clauses not confirmed", "warn"
    if r.dpa.signed_on is None:
        return "Agreement not dated", "warn"
    if (today - r.dpa.signed_on).days > REVIEW_AFTER_YEARS * 365:
        return f"Signed over {REVIEW_AFTER_YEARS} years ago: review it", "warn"
    return None, "good"


def recipient_rows(reg: Register, today: date) -> list[RecipientRow]:
    rows = []
    for r in reg.recipients:
        purposes = [p for p in reg.purposes if r.key in p.recipients]
        categories = [
            (reg.category(k).name.en if reg.category(k) else k)  # type: ignore[union-attr]
            for k in r.receives
        ]
        flag, level = dpa_flag(r, today)
        rows.append(RecipientRow(r, [p.name.en for p in purposes], categories, flag, level))
    return sorted(rows, key=lambda row: (row.flag is None, row.recipient.name.lower()))


@router.get("/admin/recipients", response_class=HTMLResponse)
def recipients(
    request: Request, principal: Annotated[Principal, Depends(require(Permission.VIEW_REGISTER))]
) -> HTMLResponse:
    """Every recipient in the register, agreements needing attention first."""
    with request.app.state.db.session_scope(readonly=True) as session:
        _, reg = current_register(session)
    return render(
        request,
        "admin_recipients.html",
        active="recipients",
        rows=recipient_rows(reg, date.today()),
        clauses=CLAUSES,
        all_clauses=list(DpaClauses.model_fields),
        lang="en",
    )
