"""Breach register services: record a breach (counts filled in from the store), notify, close."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.breaches.assess import NATURES, Assessment, assess
from privacydesk.errors import NotFound, Refused, UnusableInput
from privacydesk.register.model import Register
from privacydesk.store.base import utcnow
from privacydesk.store.models.breaches import Breach, BreachSubject
from privacydesk.store.models.subjects import Record, Subject


def _check(
    register: Register, nature: list[str], categories: list[str], detected: datetime, aware: datetime
) -> None:
    bad = [n for n in nature if n not in NATURES]
    if not nature or bad:
        raise UnusableInput(
            "nature must be one or more of " + ", ".join(NATURES), hint="e.g. --nature confidentiality"
        )
    unknown = [c for c in categories if register.category(c) is None]
    if unknown:
        raise UnusableInput(
            f"unknown data category: {', '.join(unknown)}",
            hint="use the register's keys: " + ", ".join(c.key for c in register.categories),
        )
    if aware < detected:
        raise UnusableInput(
            "the business cannot become aware before the breach was detected",
            hint="check --detected and --aware",
        )


def record_breach(
    session: Session,
    *,
    register: Register,
    detected_at: datetime,
    aware_at: datetime,
    nature: list[str],
    description: str,
    categories: list[str],
    subject_refs: list[str],
    people: int | None = None,
    encrypted: bool = False,
    consequences: str = "",
    measures: str = "",
    actor: str,
) -> Breach:
    """Enter a breach; when the affected people are known, the counts come from the store."""
    _check(register, nature, categories, detected_at, aware_at)
    subjects = list(session.execute(select(Subject).where(Subject.ref.in_(subject_refs))).scalars())
    if len(subjects) != len(set(subject_refs)):
        raise NotFound("one or more subject references match nobody", hint="use `privacydesk subjects find`")
    records = 0
    if subjects:
        records = session.execute(
            select(func.count())
            .select_from(Record)
            .where(
                Record.subject_id.in_([s.id for s in subjects]),
                *([Record.category.in_(categories)] if categories else []),
            )
        ).scalar_one()
    breach = Breach(
        ref=secrets.token_hex(4).upper(),
        detected_at=detected_at,
        aware_at=aware_at,
        nature=sorted(set(nature)),
        description=description,
        categories=categories,
        people_count=len(subjects) or (people or 0),
        records_count=records,
        encrypted=encrypted,
        consequences=consequences,
        measures=measures,
        created_by=actor,
    )
    session.add(breach)
    session.flush()
    session.add_all(BreachSubject(breach_id=breach.id, subject_id=s.id) for s in subjects)
    audit.record(
        session,
        action=audit.Action.BREACH_RECORDED,
        actor=actor,
        target_type="breach",
        target_id=breach.ref,
        details={"people": breach.people_count, "nature": breach.nature},
    )
    return breach


def get_breach(session: Session, *, ref: str) -> Breach:
    breach = session.execute(select(Breach).where(Breach.ref == ref.upper())).scalar_one_or_none()
    if breach is None:
        raise NotFound(f"no breach {ref}", hint="see `privacydesk breach list`")
    return breach


def assessment(register: Register, breach: Breach) -> Assessment:
    return assess(
        register,
        nature=breach.nature,
        categories=breach.categories,
        people=breach.people_count,
        encrypted=breach.encrypted,
        aware_at=breach.aware_at,
    )


def mark_notified(
    session: Session,
    *,
    ref: str,
    whom: str,
    reference: str | None = None,
    at: datetime | None = None,
    actor: str,
) -> Breach:
    """Record that the AP ('ap') or the people ('people') were told."""
    breach = get_breach(session, ref=ref)
    if whom == "ap":
        breach.ap_notified_at, breach.ap_reference = at or utcnow(), reference
    elif whom == "people":
        breach.people_notified_at = at or utcnow()
    else:
        raise UnusableInput(f"unknown addressee '{whom}'", hint="use ap or people")
    audit.record(
        session,
        action=audit.Action.BREACH_UPDATED,
        actor=actor,
        target_type="breach",
        target_id=breach.ref,
        details={"notified": whom},
    )
    return breach


def close_breach(session: Session, *, ref: str, actor: str) -> Breach:
    breach = get_breach(session, ref=ref)
    if breach.closed_at is not None:
        raise Refused(f"breach {breach.ref} is closed already")
    breach.closed_at = utcnow()
    audit.record(
        session,
        action=audit.Action.BREACH_UPDATED,
        actor=actor,
        target_type="breach",
        target_id=breach.ref,
        details={"closed": True},
    )
    return breach


def list_breaches(session: Session) -> list[Breach]:
    return list(session.execute(select(Breach).order_by(Breach.aware_at.desc())).scalars())


def affected_subject_ids(session: Session, *, breach: Breach) -> list[int]:
    return list(
        session.execute(
            select(BreachSubject.subject_id).where(BreachSubject.breach_id == breach.id)
        ).scalars()
    )
