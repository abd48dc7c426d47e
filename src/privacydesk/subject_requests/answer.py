"""Carrying out a verified request: each kind by its fulfilment step, then one answer letter.

The fulfilment steps live in `subject_requests.fulfil` (one function per right, each returning the
files it wrote and a summary). Kinds run in a fixed order — access and portability before
anything that changes or erases data — so that a combined "send me my data and then delete it"
answers with the data as it was. A ZIP answer is offered through a single-use, expiring link.
"""

from __future__ import annotations

import importlib
import inspect
import re
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


def answers_dir(out_dir: Path, request: SubjectRequest) -> Path:
    """Where this request's own answer goes when it also asks for erasure.

    "Send me my data, then erase it" must still deliver the copy, so it is not written to the
    exports folder that erasure empties; it waits in answers/<ref>/ until downloaded once (the
    portal deletes it then).
    """
    return out_dir.parent / "answers" / request.ref


def _out_dir(kind: RequestKind, request: SubjectRequest, out_dir: Path) -> Path:
    if kind in (RequestKind.ACCESS, RequestKind.PORTABILITY) and RequestKind.ERASURE.value in request.kinds:
        target = answers_dir(out_dir, request)
        target.mkdir(parents=True, exist_ok=True)
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir


def _run(
    session: Session, request: SubjectRequest, available: dict[str, Any]
) -> tuple[list[Path], list[Any], list[tuple[Path, str]]]:
    files: list[Path] = []
    summaries: list[Any] = []
    transfers: list[tuple[Path, str]] = []
    kinds = [k for k in FULFILMENT if k.value in request.kinds]
    steps = [fulfilment_step(k) for k in kinds]  # refuse before changing anything
    for kind, step in zip(kinds, steps, strict=True):
        result = _call(step, session, {**available, "out_dir": _out_dir(kind, request, available["out_dir"])})
        summaries.append(result.summary)
        if getattr(result, "download_token", None):  # portability straight to another organisation
            transfers.append((Path(result.files[0]), str(result.download_token)))
        else:
            files += list(result.files)
    return files, summaries, transfers


def _offer_download(session: Session, files: list[Path], actor: str, now: datetime) -> str | None:
    zips = [f for f in files if f.suffix == ".zip"]
    if not zips:
        return None
    from privacydesk.subject_requests.fulfil.downloads import create_download

    return str(
        create_download(session, path=zips[0], expires_at=now + timedelta(days=DOWNLOAD_DAYS), actor=actor)
    )


def _available(
    request: SubjectRequest,
    *,
    keyring: Keyring,
    register: Register,
    subject_id: int | None,
    out_dir: Path,
    today: date,
    now: datetime,
    target: str | None,
    actor: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Every keyword a fulfilment step may ask for; each step takes the ones it declares."""
    return {
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
        "target": target,
        # portability to another organisation: their own single-use link
        "link_expires_at": now + timedelta(days=DOWNLOAD_DAYS) if target else None,
        **extra,
    }


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
    now, target = utcnow(), open_details(keyring, request).target
    available = _available(
        request,
        keyring=keyring,
        register=register,
        subject_id=subject_id,
        out_dir=out_dir,
        today=today,
        now=now,
        target=target,
        actor=actor,
        extra=extra or {},
    )
    files, summaries, transfers = (
        _run(session, request, available) if subject_id is not None else ([], [], [])
    )
    token = _offer_download(session, files, actor, now)
    links = Links(base_url, token, [t for _, t in transfers], target, now + timedelta(days=DOWNLOAD_DAYS))
    _answered(
        session,
        register=register,
        keyring=keyring,
        request=request,
        summaries=summaries,
        links=links,
        files=files,
        actor=actor,
        now=now,
    )
    return Answer(files + [f for f, _ in transfers], [s.as_dict() for s in summaries], token)


@dataclass(frozen=True)
class Links:
    """The download links an answer hands out: the person's own, and any for another organisation."""

    base_url: str
    token: str | None
    transfer_tokens: list[str]
    target: str | None
    until: datetime

    def url(self, token: str | None) -> str | None:
        return f"{self.base_url.rstrip('/')}/privacy/download/{token}" if token else None


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
    links: Links,
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
    transfer_urls = [u for u in map(links.url, links.transfer_tokens) if u]
    sent_to = _send_transfers(
        session, register=register, request=request, links=links, urls=transfer_urls, actor=actor
    )
    address = letter_address(keyring, request)
    if address is None:
        return
    send_letter(
        session,
        name="answer",
        to=address,
        register=register,
        request=request,
        actor=actor,
        lines=_letter_lines(register, summaries, request.lang),
        download_url=links.url(links.token),
        download_until=links.until.date(),
        no_data=request.subject_id is None,
        transfer_to=links.target if transfer_urls else None,
        transfer_sent=sent_to is not None,
        transfer_urls=[] if sent_to else transfer_urls,
    )


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _send_transfers(
    session: Session,
    *,
    register: Register,
    request: SubjectRequest,
    links: Links,
    urls: list[str],
    actor: str,
) -> str | None:
    """Send the portability link to the organisation named, when an e-mail address is given for it.

    Returns that address; None when there is none (the person's own letter then carries the link).
    """
    found = _EMAIL.search(links.target or "")
    if not urls or found is None:
        return None
    send_letter(
        session,
        name="transfer",
        to=found.group(0),
        register=register,
        request=request,
        actor=actor,
        download_urls=urls,
        download_until=links.until.date(),
    )
    return found.group(0)
