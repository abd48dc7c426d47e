"""Generated ID specimens for the ID-copy check (nothing real: made-up people, the astronaut test photo)."""

from __future__ import annotations

import pytest

from privacydesk.idcheck import IdCheckResult, Part, check_id_document
from tests.idcheck.synthetic import ALL_PARTS, Specimen, make_specimen


@pytest.fixture(scope="session")
def readable_card() -> Specimen:
    return make_specimen("card", ALL_PARTS, "flat", seed=11)


@pytest.fixture(scope="session")
def readable_card_result(readable_card: Specimen) -> IdCheckResult:
    """The check of the readable card, run once: several tests look at different sides of it."""
    return check_id_document(readable_card.data, filename="card.png")


@pytest.fixture(scope="session")
def redacted_card() -> Specimen:
    return make_specimen("card", frozenset(), "flat", seed=12)


@pytest.fixture(scope="session")
def readable_passport_photo() -> Specimen:
    """An unredacted passport photographed at an angle, with noise and JPEG compression."""
    return make_specimen("passport", ALL_PARTS, "photo", seed=13)


def all_but(part: Part) -> frozenset[Part]:
    """Every part except `part`: what stays readable when only `part` is blacked out."""
    return ALL_PARTS - {part}
