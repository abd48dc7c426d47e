"""Processor erasure tasks: listed for staff (open first), closed when the processor confirms.

An open task holds the person's e-mail and phone as SHA-256 (OpenDSR's `sha256` identity format),
which the processor needs to find them; completing the task removes those hashes as well.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacydesk import audit
from privacydesk.errors import InvalidTransition, NotFound
from privacydesk.store.base import utcnow
from privacydesk.store.models.fulfilment import ProcessorTask

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {"open": frozenset({"done"}), "done": frozenset()}


def list_processor_tasks(session: Session, *, status: str | None = None) -> list[ProcessorTask]:
    """Tasks, open ones first and oldest first within each status."""
    query = select(ProcessorTask).order_by(
        ProcessorTask.status != "open", ProcessorTask.created_at, ProcessorTask.id
    )
    if status is not None:
        query = query.where(ProcessorTask.status == status)
    return list(session.execute(query).scalars())


def complete_processor_task(session: Session, *, task_id: int, actor: str) -> ProcessorTask:
    """Record that the processor confirmed the erasure."""
    task = session.get(ProcessorTask, task_id)
    if task is None:
        raise NotFound(f"no processor task {task_id}", hint="list them with their ids first")
    if "done" not in ALLOWED_TRANSITIONS[task.status]:
        raise InvalidTransition(f"processor task {task_id} is already {task.status}")
    task.status, task.done_at, task.done_by = "done", utcnow(), actor
    # The processor has confirmed: the hashed identities served only to reach it, so they go too.
    task.body = {**task.body, "subject_identities": []}
    session.flush()
    audit.record(
        session,
        action=audit.Action.PROCESSOR_TASK_DONE,
        actor=actor,
        target_type="processor_task",
        target_id=task.id,
        details={"recipient": task.recipient_key, "subject": task.subject_ref},
    )
    return task
