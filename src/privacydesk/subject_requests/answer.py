"""Carrying out a verified request: each kind by its fulfilment step, then one answer letter.

The fulfilment steps live in `subject_requests.fulfil` (one function per right, each returning the
files it wrote and a summary). Kinds run in a fixed order — access and portability before
anything that changes or erases data — so that a combined "send me my data and then delete it"
answers with the data as it was. A ZIP answer is offered through a single-use, expiring link.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import Refused
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.crypto import Keyring
from privacydesk.store.models.requests import SubjectRequest
from privacydesk.subject_requests.domain import RequestKind, Status
from privacydesk.subject_requests.letters import send_letter
from privacydesk.subject_requests.lifecycle import letter_address
from privacydesk.subject_requests.records import add_step, move_to, open_details

DOWNLOAD_DAYS = 14
#: kind → (module under subject_requests.fulfil, function), in the order they run.
FULFILMENT: dict[RequestKind, tuple[str, str]] = {
    RequestKind.ACCESS: ("access", "fulfil_access"),
    RequestKind.PORTABILITY: ("portability", "fulfil_portability"),
    RequestKind.RECTIFICATION: ("rectification", "fulfil_rectification"),
    RequestKind.RESTRICTION: ("restriction", "fulfil_restriction"),
    RequestKind.OBJECTION: ("restriction", "fulfil_objection"),
    RequestKind.CONSENT_WITHDRAWAL: ("consent", "fulfil_consent_withdrawal"),
    RequestKind.ERASURE: ("erasure", "fulfil_erasure"),
}


@dataclass(frozen=True)
class Answer:
    """What fulfilling a request produced: files, summaries (as dicts) and the download token."""

    files: list[Path]
    summaries: list[dict[str, Any]]
    download_token: str | None


def fulfilment_step(kind: RequestKind) -> Any:
    """The fulfilment function for `kind`, or Refused when this installation has none."""
    module_name, function = FULFILMENT[kind]
    try:
        module = importlib.import_module(f"privacydesk.subject_requests.fulfil.{module_name}")
    except ModuleNotFoundError:
        module = None
    step = getattr(module, function, None)
    if step is None:
        raise Refused(
            f"carrying out '{kind}' requests is not available in this version",
            hint="answer it by hand and close it with `requests refuse`/`close`, or upgrade",
        )
    return step


def _call(step: Any, session: Session, available: dict[str, Any]) -> Any:
    """Call `step` with the keyword arguments it declares, from `available`."""
    params = inspect.signature(step).parameters
    missing = [n for n, p in params.items() if n != "session" and p.default is p.empty and n not in available]
    if missing:
        raise Refused(
            f"this request lacks what the step needs: {', '.join(missing)}",
            hint="give it on the command line (see `requests fulfil --help`)",
        )
    return step(session, **{n: v for n, v in available.items() if n in params})


def _subject_for(request: SubjectRequest) -> int | None:
    if request.subject_id is None and request.matches > 1:
        raise Refused(
            "the requester's details match more than one person",
            hint="link the request to one subject: `requests link ID --subject REF`",
        )
    return request.subject_id


def _keep_from_erasure(files: list[Path], request: SubjectRequest, out_dir: Path) -> list[Path]:
    """Move this request's own answer files out of the exports folder that erasure empties.

    "Send me my data, then erase it" must still deliver the copy: it waits in answers/<ref>/ until
    downloaded once (the portal deletes it then) and holds nothing the erasure had not seen.
    """
    if RequestKind.ERASURE.value not in request.kinds or not files:
        return files
    target = out_dir.parent / "answers" / request.ref
    target.mkdir(parents=True, exist_ok=True)
    return [f.replace(target / f.name) for f in files]


def _run(
    session: Session, request: SubjectRequest, available: dict[str, Any]
) -> tuple[list[Path], list[Any]]:
    files: list[Path] = []
    summaries: list[Any] = []
    kinds = [k for k in FULFILMENT if k.value in request.kinds]
    steps = [fulfilment_step(k) for k in kinds]  # refuse before changing anything
    for step in steps:
        result = _call(step, session, available)
        files += _keep_from_erasure(list(result.files), request, Path(available["out_dir"]))
        summaries.append(result.summary)
    return files, summaries


def _offer_download(session: Session, files: list[Path], actor: str, now: datetime) -> str | None:
    zips = [f for f in files if f.suffix == ".zip"]
    if not zips:
        return None
    from privacydesk.subject_requests.fulfil.downloads import create_download

    return str(
        create_download(session, path=zips[0], expires_at=now + timedelta(days=DOWNLOAD_DAYS), actor=actor)
    )


def fulfil_request(
    session: Session,
    *,
    keyring: Keyring,
    register: Register,
    request: SubjectRequest,
    out_dir: Path,
    base_url: str,
    today: date,
    actor: str,
    extra: dict[str, Any] | None = None,
) -> Answer:
    """Carry out every kind of a verified request and send the answer letter."""
    if request.status not in (Status.VERIFIED, Status.IN_PROGRESS):
        raise Refused(
            f"a request that is {request.status} cannot be carried out",
            hint="verify the identity first: `requests verify ID`",
        )
    subject_id = _subject_for(request)
    if request.status == Status.VERIFIED:
        move_to(request, Status.IN_PROGRESS)
    now = utcnow()
    details = open_details(keyring, request)
    available = {
        "keyring": keyring,
        "register": register,
        "subject_id": subject_id,
        "lang": request.lang,
        "made_on": today,
        "today": today,
        "reference": request.ref,
        "request_ref": request.ref,
        "submitted": request.received_at,
        "out_dir": out_dir,
        "actor": actor,
        "target": details.target,
        **(extra or {}),
    }
    files, summaries = _run(session, request, available) if subject_id is not None else ([], [])
    token = _offer_download(session, files, actor, now)
    _answered(
        session,
        register=register,
        keyring=keyring,
        request=request,
        summaries=summaries,
        token=token,
        base_url=base_url,
        files=files,
        actor=actor,
        now=now,
    )
    return Answer(files, [s.as_dict() for s in summaries], token)


def _letter_lines(register: Register, summaries: list[Any], lang: str) -> list[str]:
    from privacydesk.subject_requests.fulfil.letters import summary_lines

    return [line for s in summaries for line in summary_lines(register, s, lang=lang)]


def _answered(
    session: Session,
    *,
    register: Register,
    keyring: Keyring,
    request: SubjectRequest,
    summaries: list[Any],
    token: str | None,
    base_url: str,
    files: list[Path],
    actor: str,
    now: datetime,
) -> None:
    move_to(request, Status.ANSWERED)
    request.answered_at = now
    request.outcome = {
        "summaries": [s.as_dict() for s in summaries],
        "files": [f.name for f in files],
        "no_data": request.subject_id is None,
    }
    add_step(
        session,
        request=request,
        step="fulfilled",
        action=audit.Action.REQUEST_FULFILLED,
        actor=actor,
        details={"kinds": request.kinds, "files": len(files), "no_data": request.subject_id is None},
    )
    address = letter_address(keyring, request)
    if address is None:
        return
    url = f"{base_url.rstrip('/')}/privacy/download/{token}" if token else None
    send_letter(
        session,
        name="answer",
        to=address,
        register=register,
        request=request,
        actor=actor,
        lines=_letter_lines(register, summaries, request.lang),
        download_url=url,
        download_until=(now + timedelta(days=DOWNLOAD_DAYS)).date(),
        no_data=request.subject_id is None,
    )
