"""The consent ledger: append-only events per person (or pseudonymous visitor) and purpose.

An event says what was decided (given, refused, withdrawn, expired), when, through which channel,
against which notice (its hash, the register version and the consent revision), in which language,
and with what evidence. The current state is always derived from the events, never stored.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import InvalidTransition, UnusableInput
from privacydesk.register.service import latest_version
from privacydesk.statement.versions import current_consent_revision
from privacydesk.store.base import utcnow
from privacydesk.store.models.consent import ConsentEvent
from privacydesk.store.models.subjects import Subject

COOKIE_PURPOSE_PREFIX = "cookie."
LANGUAGES = frozenset({"nl", "en"})


class ConsentState(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Channel(StrEnum):
    """How the decision reached us."""

    BANNER = "banner"
    FORM = "form"
    EMAIL_LINK = "email_link"
    STAFF = "staff"
    GPC = "gpc"


class Ground(StrEnum):
    """Why marketing may be sent: consent, or the existing-customer exception of Tw 11.7(3)."""

    CONSENT = "consent"
    CUSTOMER_EXCEPTION = "customer_exception"


ALLOWED_TRANSITIONS: dict[ConsentState | None, frozenset[ConsentState]] = {
    None: frozenset({ConsentState.GIVEN, ConsentState.REFUSED}),
    ConsentState.GIVEN: frozenset({ConsentState.GIVEN, ConsentState.WITHDRAWN, ConsentState.EXPIRED}),
    ConsentState.REFUSED: frozenset({ConsentState.GIVEN, ConsentState.REFUSED}),
    ConsentState.WITHDRAWN: frozenset({ConsentState.GIVEN, ConsentState.REFUSED}),
    ConsentState.EXPIRED: frozenset({ConsentState.GIVEN, ConsentState.REFUSED}),
}


@dataclass(frozen=True)
class Notice:
    """The exact text a person saw: its SHA-256, the register version and the consent revision."""

    text_hash: str
    register_version: int | None
    consent_revision: int
    language: str


@dataclass(frozen=True)
class ConsentStatus:
    """The state of one purpose for one person, derived from their newest event."""

    purpose: str
    state: ConsentState
    ground: Ground
    since: datetime
    expires_at: datetime | None
    channel: str
    record_id: str
    consent_revision: int

    @property
    def is_valid(self) -> bool:
        return self.state is ConsentState.GIVEN


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def consent_revision(session: Session) -> int:
    """The consent revision in force (the latest published statement's, else the register's)."""
    return current_consent_revision(session)


def notice_for(session: Session, *, text: str, language: str) -> Notice:
    """The notice record for `text` as shown now, under the register version in force."""
    version = latest_version(session)
    return Notice(
        text_hash=text_hash(text),
        register_version=version.number if version else None,
        consent_revision=consent_revision(session),
        language=language,
    )


def effective_state(event: ConsentEvent, now: datetime) -> ConsentState:
    """An event's state as it holds at `now`: a consent past its expiry counts as expired."""
    state = ConsentState(event.state)
    if state is ConsentState.GIVEN and event.expires_at is not None and event.expires_at <= now:
        return ConsentState.EXPIRED
    return state


def _latest(session: Session, *, subject_id: str | None, visitor_id: str | None, purpose: str) -> Any:
    column = ConsentEvent.subject_id if subject_id is not None else ConsentEvent.visitor_id
    who = subject_id if subject_id is not None else visitor_id
    return session.execute(
        select(ConsentEvent)
        .where(column == who, ConsentEvent.purpose == purpose)
        .order_by(ConsentEvent.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _check_who(subject_id: int | str | None, visitor_id: str | None) -> tuple[str | None, str | None]:
    if (subject_id is None) == (visitor_id is None):
        raise UnusableInput("a consent event needs either subject_id or visitor_id, not both or neither")
    return (None if subject_id is None else str(subject_id)), visitor_id


def _check_values(purpose: str, language: str, ground: Ground) -> None:
    if not purpose or len(purpose) > 80:
        raise UnusableInput("purpose: must be a register purpose key or cookie.<category>")
    if language not in LANGUAGES:
        raise UnusableInput(f"language: '{language}' is not nl or en")
    if ground is Ground.CUSTOMER_EXCEPTION and purpose.startswith(COOKIE_PURPOSE_PREFIX):
        raise UnusableInput("the customer exception applies to e-mail marketing, not to cookies")


def record_consent(
    session: Session,
    *,
    subject_id: int | str | None = None,
    visitor_id: str | None = None,
    purpose: str,
    state: ConsentState,
    channel: Channel,
    notice: Notice,
    actor: str,
    ground: Ground = Ground.CONSENT,
    evidence: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
    ip_prefix: str | None = None,
    at: datetime | None = None,
) -> ConsentEvent:
    """Append one consent event, refusing a step the transition table does not allow."""
    subject, visitor = _check_who(subject_id, visitor_id)
    _check_values(purpose, notice.language, ground)
    now = at or utcnow()
    previous = _latest(session, subject_id=subject, visitor_id=visitor, purpose=purpose)
    before = effective_state(previous, now) if previous is not None else None
    if ConsentState(state) not in ALLOWED_TRANSITIONS[before]:
        raise InvalidTransition(f"consent for '{purpose}' cannot go from {before or 'nothing'} to {state}")
    event = ConsentEvent(
        record_id=str(uuid.uuid4()),
        subject_id=subject,
        visitor_id=visitor,
        purpose=purpose,
        state=str(state),
        ground=str(ground),
        channel=str(channel),
        at=now,
        expires_at=expires_at if state == ConsentState.GIVEN else None,
        register_version=notice.register_version,
        consent_revision=notice.consent_revision,
        notice_hash=notice.text_hash,
        language=notice.language,
        evidence=evidence or {},
        ip_prefix=ip_prefix,
        actor=actor,
    )
    session.add(event)
    session.flush()
    _audit(session, event)
    return event


def _subject_ref(session: Session, subject_id: str) -> str:
    """The pseudonymous ref the audit log uses for subjects (the store's id when it has none)."""
    ref = None
    if subject_id.isdigit():
        ref = session.execute(select(Subject.ref).where(Subject.id == int(subject_id))).scalar_one_or_none()
    return ref or subject_id


def _audit(session: Session, event: ConsentEvent) -> None:
    audit.record(
        session,
        action=audit.Action.CONSENT_RECORDED,
        actor=event.actor,
        target_type="subject" if event.subject_id is not None else "visitor",
        target_id=_subject_ref(session, event.subject_id)
        if event.subject_id is not None
        else event.visitor_id,
        details={
            "event": event.record_id,
            "purpose": event.purpose,
            "state": event.state,
            "channel": event.channel,
            "ground": event.ground,
        },
    )


def _status(event: ConsentEvent, now: datetime) -> ConsentStatus:
    state = effective_state(event, now)
    lapsed = state is ConsentState.EXPIRED and event.state != state and event.expires_at is not None
    return ConsentStatus(
        purpose=event.purpose,
        state=state,
        ground=Ground(event.ground),
        since=event.expires_at if lapsed and event.expires_at else event.at,
        expires_at=event.expires_at,
        channel=event.channel,
        record_id=event.record_id,
        consent_revision=event.consent_revision,
    )


def latest_events(
    session: Session, *, subject_ids: list[str], purpose: str | None = None
) -> list[ConsentEvent]:
    """The newest event per (subject, purpose) for `subject_ids` (one query)."""
    if not subject_ids:
        return []
    newest = select(func.max(ConsentEvent.id)).where(ConsentEvent.subject_id.in_(subject_ids))
    if purpose is not None:
        newest = newest.where(ConsentEvent.purpose == purpose)
    newest = newest.group_by(ConsentEvent.subject_id, ConsentEvent.purpose)
    rows = session.execute(select(ConsentEvent).where(ConsentEvent.id.in_(newest)).order_by(ConsentEvent.id))
    return list(rows.scalars())


def current_consents(
    session: Session, *, subject_id: int | str, now: datetime | None = None
) -> list[ConsentStatus]:
    """Each purpose this person ever decided on, with its state now (newest event wins)."""
    at = now or utcnow()
    events = latest_events(session, subject_ids=[str(subject_id)])
    return sorted((_status(e, at) for e in events), key=lambda s: s.purpose)


def visitor_consents(
    session: Session, *, visitor_id: str, now: datetime | None = None
) -> list[ConsentStatus]:
    """The same for a pseudonymous website visitor."""
    at = now or utcnow()
    newest = (
        select(func.max(ConsentEvent.id))
        .where(ConsentEvent.visitor_id == visitor_id)
        .group_by(ConsentEvent.purpose)
    )
    rows = session.execute(select(ConsentEvent).where(ConsentEvent.id.in_(newest))).scalars()
    return sorted((_status(e, at) for e in rows), key=lambda s: s.purpose)


def withdraw_all(
    session: Session, *, subject_id: int | str, channel: Channel, actor: str, language: str = "nl"
) -> list[ConsentEvent]:
    """Withdraw every consent (and customer exception) this person currently has."""
    now = utcnow()
    written = []
    for status in current_consents(session, subject_id=subject_id, now=now):
        if status.state is not ConsentState.GIVEN:
            continue
        notice = notice_for(session, text=f"withdraw:{status.purpose}", language=language)
        written.append(
            record_consent(
                session,
                subject_id=subject_id,
                purpose=status.purpose,
                state=ConsentState.WITHDRAWN,
                channel=channel,
                notice=notice,
                ground=status.ground,
                evidence={"withdrew": status.record_id},
                actor=actor,
                at=now,
            )
        )
    return written


def events_for_subject(session: Session, *, subject_id: int | str) -> list[ConsentEvent]:
    rows = session.execute(
        select(ConsentEvent).where(ConsentEvent.subject_id == str(subject_id)).order_by(ConsentEvent.id)
    )
    return list(rows.scalars())


_DPV_STATUS = {
    "given": "dpv:ConsentGiven",
    "refused": "dpv:ConsentRefused",
    "withdrawn": "dpv:ConsentWithdrawn",
    "expired": "dpv:ConsentExpired",
}
_DPV_BASIS = {"consent": "eu-gdpr:A6-1-a", "customer_exception": "eu-gdpr:A6-1-f"}
DPV_CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
}


def to_dpv(event: ConsentEvent) -> dict[str, Any]:
    """One event as a consent record with W3C DPV (ISO/IEC TS 27560) field names."""
    record: dict[str, Any] = {
        "@type": "dpv:ConsentRecord",
        "dpv:hasIdentifier": event.record_id,
        "dpv:hasDataSubject": f"subject:{event.subject_id}"
        if event.subject_id
        else f"visitor:{event.visitor_id}",
        "dpv:hasPurpose": event.purpose,
        "dpv:hasLegalBasis": _DPV_BASIS[event.ground],
        "dpv:hasConsentStatus": _DPV_STATUS[event.state],
        "dpv:isIndicatedAtTime": event.at.isoformat(),
        "dpv:isIndicatedBy": "dpv:DataSubject" if event.channel != Channel.STAFF else event.actor,
        "dpv:hasIndicationMethod": event.channel,
        "dpv:hasNotice": {
            "@type": "dpv:ConsentNotice",
            "hash": f"sha256:{event.notice_hash}",
            "register_version": event.register_version,
            "consent_revision": event.consent_revision,
            "language": event.language,
        },
        "dpv:hasJustification": event.evidence,
    }
    if event.ground == Ground.CUSTOMER_EXCEPTION:
        record["dpv:hasJustification"] = {**event.evidence, "law": "Telecommunicatiewet art. 11.7(3)"}
    if event.expires_at is not None:
        record["dpv:hasDuration"] = {"@type": "dpv:UntilTimeDuration", "until": event.expires_at.isoformat()}
    return record


def export_for_subject(session: Session, *, subject_id: int | str) -> list[dict[str, Any]]:
    """Every consent event of one person, oldest first, as DPV consent records (for access requests)."""
    return [to_dpv(e) for e in events_for_subject(session, subject_id=subject_id)]


@dataclass(frozen=True)
class LedgerReport:
    """How many people and visitors hold each state per purpose now, and events per channel."""

    current: dict[str, dict[str, int]]
    events_by_channel: dict[str, int]
    events: int


def ledger_report(session: Session, *, now: datetime | None = None) -> LedgerReport:
    """The consent report: current states (newest event per person or visitor and purpose)."""
    at = now or utcnow()
    newest = select(func.max(ConsentEvent.id)).group_by(
        ConsentEvent.subject_id, ConsentEvent.visitor_id, ConsentEvent.purpose
    )
    rows = session.execute(
        select(ConsentEvent.purpose, ConsentEvent.state, ConsentEvent.expires_at).where(
            ConsentEvent.id.in_(newest)
        )
    )
    current: dict[str, dict[str, int]] = {}
    for purpose, state, expires_at in rows:
        if state == ConsentState.GIVEN and expires_at is not None and expires_at <= at:
            state = ConsentState.EXPIRED.value
        bucket = current.setdefault(purpose, {})
        bucket[state] = bucket.get(state, 0) + 1
    counted = session.execute(select(ConsentEvent.channel, func.count()).group_by(ConsentEvent.channel))
    channels = {str(channel): int(n) for channel, n in counted}
    return LedgerReport(current, channels, sum(channels.values()))


def expire_consents(session: Session, *, actor: str, now: datetime | None = None) -> int:
    """Write an `expired` event for every consent whose period ran out (a daily job); returns how
    many. Reading never needed it (a lapsed consent already counts as expired); the event makes the
    lapse visible in the ledger and its exports."""
    at = now or utcnow()
    newest = select(func.max(ConsentEvent.id)).group_by(
        ConsentEvent.subject_id, ConsentEvent.visitor_id, ConsentEvent.purpose
    )
    lapsed = session.execute(
        select(ConsentEvent).where(
            ConsentEvent.id.in_(newest),
            ConsentEvent.state == ConsentState.GIVEN.value,
            ConsentEvent.expires_at <= at,
        )
    ).scalars()
    rows = [_expired_row(event, at, actor) for event in lapsed]
    if rows:
        session.execute(insert(ConsentEvent), rows)
        audit.record(
            session,
            action=audit.Action.CONSENT_RECORDED,
            actor=actor,
            target_type="consent_batch",
            details={"expired": len(rows), "first": rows[0]["record_id"], "last": rows[-1]["record_id"]},
        )
    return len(rows)


def _expired_row(event: ConsentEvent, at: datetime, actor: str) -> dict[str, Any]:
    return {
        "record_id": str(uuid.uuid4()),
        "subject_id": event.subject_id,
        "visitor_id": event.visitor_id,
        "purpose": event.purpose,
        "state": ConsentState.EXPIRED.value,
        "ground": event.ground,
        "channel": event.channel,
        "at": at,
        "expires_at": None,
        "register_version": event.register_version,
        "consent_revision": event.consent_revision,
        "notice_hash": event.notice_hash,
        "language": event.language,
        "evidence": {
            "expired": event.record_id,
            "expires_at": event.expires_at.isoformat() if event.expires_at else None,
        },
        "ip_prefix": None,
        "actor": actor,
    }
