"""The status machine: one table of allowed steps; anything else is refused."""

from __future__ import annotations

import pytest

from privacydesk.errors import InvalidTransition
from privacydesk.subject_requests.domain import ALLOWED_TRANSITIONS, Status, check_transition


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.DRAFT, Status.RECEIVED),
        (Status.RECEIVED, Status.AWAITING_IDENTITY),
        (Status.AWAITING_IDENTITY, Status.VERIFIED),
        (Status.VERIFIED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.ANSWERED),
        (Status.ANSWERED, Status.CLOSED),
        (Status.AWAITING_IDENTITY, Status.REFUSED),
        (Status.REFUSED, Status.CLOSED),
    ],
)
def test_the_normal_path_is_allowed(current: Status, target: Status) -> None:
    check_transition(current.value, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.RECEIVED, Status.ANSWERED),  # never answered before the identity is known
        (Status.AWAITING_IDENTITY, Status.IN_PROGRESS),
        (Status.CLOSED, Status.RECEIVED),
        (Status.ANSWERED, Status.REFUSED),
        (Status.DRAFT, Status.VERIFIED),
    ],
)
def test_other_steps_raise_invalid_transition_naming_what_is_allowed(current: Status, target: Status) -> None:
    with pytest.raises(InvalidTransition, match=f"cannot become {target.value}") as caught:
        check_transition(current.value, target)
    assert caught.value.hint and "can become" in caught.value.hint


def test_every_status_is_in_the_table_and_closed_is_final() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(Status)
    assert ALLOWED_TRANSITIONS[Status.CLOSED] == frozenset()
