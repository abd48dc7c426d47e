"""The breach risk assessment: when the AP and the people must be told (pure, table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from privacydesk.breaches.assess import assess
from privacydesk.register.load import load_register
from tests.conftest import OCQTO_REGISTER

REGISTER = load_register(OCQTO_REGISTER).register
AWARE = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("nature", "categories", "people", "encrypted", "ap", "people_told"),
    [
        (["confidentiality"], ["email"], 3, False, True, False),  # a few e-mail addresses disclosed
        (["confidentiality"], ["bank_account"], 3, False, True, True),  # financial data: high risk
        (["confidentiality"], ["id_document"], 1, False, True, True),  # an ID copy: high risk
        (["confidentiality"], ["name", "email"], 250, False, True, True),  # many people
        (["confidentiality"], ["bank_account"], 500, True, False, False),  # encrypted, key safe
        (["availability"], ["correspondence"], 40, False, False, False),  # briefly unavailable only
        (["integrity"], ["address"], 2, False, True, False),  # addresses changed
    ],
)
def test_the_assessment_says_whom_to_tell(
    nature: list[str], categories: list[str], people: int, encrypted: bool, ap: bool, people_told: bool
) -> None:
    advice = assess(
        REGISTER, nature=nature, categories=categories, people=people, encrypted=encrypted, aware_at=AWARE
    )
    assert (advice.notify_ap, advice.notify_people) == (ap, people_told)
    assert advice.reasons


def test_the_ap_must_be_told_within_72_hours_of_awareness() -> None:
    advice = assess(
        REGISTER, nature=["confidentiality"], categories=["email"], people=1, encrypted=False, aware_at=AWARE
    )
    assert advice.deadline == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
