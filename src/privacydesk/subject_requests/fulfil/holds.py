"""Legal holds (privacydesk.retention.holds): an erasure request never deletes held data.

A hold on a whole subject refuses the erasure (nothing may go, not even an identifier); a hold on
single records keeps those records and lets the rest go. Until the retention part is installed
there are no holds to respect.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from privacydesk.errors import Refused


def _holds(session: Session, subject_id: int, today: date) -> list[Any]:
    try:
        module = importlib.import_module("privacydesk.retention.holds")
    except ImportError:
        return []
    found: list[Any] = module.holds_on_subject(session, subject_id=subject_id, today=today)
    return found


def held_record_ids(session: Session, *, subject_id: int, today: date) -> dict[int, str]:
    """Record id -> the hold's reason, for the subject's held records; refuses a whole-subject hold."""
    holds = _holds(session, subject_id, today)
    if any(str(h.target).startswith("subject:") for h in holds):
        raise Refused(
            "this person's data is under a legal hold, so nothing of it may be erased now",
            hint="tell the requester why it is kept (GDPR art. 17(3)(e)) and erase when the hold is lifted",
        )
    return {int(str(h.target).split(":", 1)[1]): f"legal hold {h.id}: {h.reason}" for h in holds}
