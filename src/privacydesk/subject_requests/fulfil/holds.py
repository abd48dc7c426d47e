"""Records under a retention hold (e.g. a legal claim): an erasure request never deletes them.

Holds belong to the retention part (privacydesk.retention); until that part is installed there
are no holds to respect.
"""

from __future__ import annotations

import importlib

from sqlalchemy.orm import Session


def held_record_ids(session: Session, *, subject_id: int) -> set[int]:
    """Ids of the subject's records that an active hold covers."""
    try:
        holds = importlib.import_module("privacydesk.retention.holds")
    except ImportError:
        return set()
    return set(holds.held_record_ids(session, subject_id=subject_id))
