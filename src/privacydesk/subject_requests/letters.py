"""Letters to the requester, rendered from NL/EN Jinja2 templates with the register's contact
details, and queued in the outbox (once per request and letter: the queue key says which).

A template's first line is the subject; the rest is the body. Letters hold the request's random
reference, never the subject's pseudonymous id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session

from privacydesk.outbox import queue_mail
from privacydesk.register.model import Register
from privacydesk.store.models.requests import OutboxMessage, SubjectRequest

LETTERS_DIR = Path(__file__).parent / "letters"
LETTERS = ("acknowledgement", "identity_code", "extension", "answer", "refusal", "transfer")
_env = Environment(
    loader=FileSystemLoader(str(LETTERS_DIR)),
    undefined=StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)

KIND_NAMES = {
    "access": {"nl": "inzage (AVG art. 15)", "en": "access (GDPR art. 15)"},
    "rectification": {"nl": "correctie (AVG art. 16)", "en": "rectification (GDPR art. 16)"},
    "erasure": {"nl": "verwijdering (AVG art. 17)", "en": "erasure (GDPR art. 17)"},
    "restriction": {"nl": "beperking (AVG art. 18)", "en": "restriction (GDPR art. 18)"},
    "portability": {"nl": "overdraagbaarheid (AVG art. 20)", "en": "portability (GDPR art. 20)"},
    "objection": {"nl": "bezwaar (AVG art. 21)", "en": "objection (GDPR art. 21)"},
    "consent_withdrawal": {
        "nl": "intrekken van toestemming (AVG art. 7 lid 3)",
        "en": "withdrawal of consent (GDPR art. 7(3))",
    },
}


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def kind_names(kinds: list[str], lang: str) -> list[str]:
    return [KIND_NAMES.get(k, {}).get(lang, k) for k in kinds]


def format_date(day: date | None, lang: str) -> str:
    if day is None:
        return ""
    months_nl = "januari februari maart april mei juni juli augustus september oktober november december"
    months_en = "January February March April May June July August September October November December"
    months = (months_en if lang == "en" else months_nl).split()
    return f"{day.day} {months[day.month - 1]} {day.year}"


def render_letter(
    name: str, *, lang: str, register: Register, request: SubjectRequest, **values: Any
) -> Letter:
    """Render letter `name` in `lang` for `request`; values fill the template's blanks."""
    lang = "en" if lang == "en" else "nl"
    text = _env.get_template(f"{lang}/{name}.txt").render(
        c=register.controller,
        rights=register.rights,
        ref=request.ref,
        kinds=kind_names(list(request.kinds), lang),
        received=format_date(request.received_on, lang),
        authority=register.rights.complaint_authority.name.get(lang),
        authority_url=str(register.rights.complaint_authority.url),
        fmt=lambda d: format_date(d, lang),
        **values,
    )
    subject, _, body = text.partition("\n")
    return Letter(subject=subject.strip(), body=body.lstrip("\n"))


def send_letter(
    session: Session,
    *,
    name: str,
    to: str,
    register: Register,
    request: SubjectRequest,
    actor: str,
    key_suffix: str = "",
    **values: Any,
) -> OutboxMessage:
    """Render and queue letter `name`; a second call for the same request and letter queues nothing."""
    letter = render_letter(name, lang=request.lang, register=register, request=request, **values)
    return queue_mail(
        session,
        to=to,
        subject=letter.subject,
        body_text=letter.body,
        key=f"request:{request.ref}:{name}{key_suffix}",
        actor=actor,
        headers={"Auto-Submitted": "auto-generated"},
    )
