"""Phone normalisation: the cheap path for plain Dutch mobiles agrees with phonenumbers everywhere."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from privacydesk.identifiers import InvalidIdentifier, normalise_phone


def _by_phonenumbers(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _ours(value: str) -> str | None:
    try:
        return normalise_phone(value)
    except InvalidIdentifier:
        return None


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("06-12345678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("+3106 12345678", "+31612345678"),
        ("06.12345678", "+31612345678"),
        ("0201234567", "+31201234567"),
        ("06-60123456", "+31660123456"),  # a pager number: not the mobile range, still valid
        ("06-91234567", None),
        ("0612345", None),
    ],
)
def test_a_phone_is_normalised_to_e164_or_refused(written: str, e164: str | None) -> None:
    assert _ours(written) == e164


def test_plain_dutch_mobiles_in_any_spacing_agree_with_phonenumbers() -> None:
    rng = random.Random(7)
    for _ in range(5000):
        prefix = rng.choice(["+31", "0031", "0", "+310", "31", "+32", "00"])
        digits = prefix + "6" + "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8, 8, 9])))
        written = "".join(c + rng.choice(["", "", " ", "-", "--"]) for c in digits)
        assert _ours(written) == _by_phonenumbers(written), written
