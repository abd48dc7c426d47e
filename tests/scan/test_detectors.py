"""The detectors find each kind of personal data in Dutch and English text, validated and normalised."""

from __future__ import annotations

import pytest

from privacydesk.scan import Kind, detect


def _found(text: str) -> list[tuple[str, str]]:
    return [(str(h.kind), h.value) for h in detect(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bel me op 06-12345678.", "+31612345678"),
        ("Mobiel: 06 12 34 56 78", "+31612345678"),
        ("call +31 6 12345678 please", "+31612345678"),
        ("tel. (020) 5551234", "+31205551234"),
        ("+31 (0)20 555 1234", "+31205551234"),
        ("0031 20 5551234", "+31205551234"),
        ("London office: +44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_in_common_dutch_and_international_styles_are_normalised_to_e164(
    text: str, value: str
) -> None:
    assert _found(text) == [("phone", value)]


@pytest.mark.parametrize(
    "text",
    [
        "Factuur 2024-0012 van 12-03-2024, € 1.234,56",
        "Version 2.4.1 was released in 2023.",
        "Ordernummer 0612345",  # too short to be a phone number
        "06-99999999 is geen geldig nummer",  # no Dutch mobile starts with 069
    ],
)
def test_numbers_that_are_not_phone_numbers_are_not_reported(text: str) -> None:
    assert [k for k, _ in _found(text) if k == "phone"] == []


def test_an_iban_is_found_compact_or_in_groups_of_four_and_its_check_digits_are_verified() -> None:
    assert _found("Graag naar NL91ABNA0417164300 t.n.v. J. Jansen") == [("iban", "NL91ABNA0417164300")]
    assert _found("IBAN: NL91 ABNA 0417 1643 00 BV Jansen") == [("iban", "NL91ABNA0417164300")]
    assert _found("Rekening NL92ABNA0417164300 klopt niet") == []


def test_a_german_iban_is_validated_too() -> None:
    assert _found("Konto DE89 3704 0044 0532 0130 00") == [("iban", "DE89370400440532013000")]


@pytest.mark.parametrize(
    "text",
    [
        "Mijn BSN is 1112.22.333.",
        "BSN: 111 222 333",
        "burgerservicenummer 111222333",
        "Ik stuur 111222333 mee",
    ],
)
def test_a_bsn_is_found_near_its_label_in_any_grouping_or_as_a_bare_nine_digit_token(text: str) -> None:
    assert _found(text) == [("bsn", "111222333")]


def test_a_nine_digit_number_that_fails_the_eleven_check_is_no_bsn() -> None:
    assert _found("Referentie 111222334 graag vermelden") == []


def test_a_bsn_written_without_its_leading_zero_is_found_near_its_label() -> None:
    assert _found("sofinummer: 12345672") == [("bsn", "012345672")]


def test_a_dutch_postcode_is_found_with_its_house_number() -> None:
    assert _found("Kerkstraat 12, 1234 AB Amsterdam") == [("postcode", "1234 AB 12")]
    assert _found("Postcode en huisnummer: 1234AB 12a.") == [("postcode", "1234 AB 12a")]


def test_letter_pairs_dutch_postcodes_never_use_are_not_postcodes() -> None:
    assert _found("In 1940 SS troops") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Geboortedatum: 12-03-1985", "1985-03-12"),
        ("geboren op 3 maart 1985 te Zwolle", "1985-03-03"),
        ("Date of birth: 1985-03-12", "1985-03-12"),
        ("I was born on 12 March 1985.", "1985-03-12"),
    ],
)
def test_a_date_of_birth_is_found_after_its_label(text: str, value: str) -> None:
    assert _found(text) == [("date_of_birth", value)]


def test_a_date_without_a_birth_label_is_not_a_date_of_birth() -> None:
    assert _found("De vergadering is op 12-03-2024.") == []


def test_e_mail_addresses_are_found_and_lower_cased() -> None:
    assert _found("Mail Jan.Jansen@Example.NL of info@ocqto.nl.") == [
        ("email", "jan.jansen@example.nl"),
        ("email", "info@ocqto.nl"),
    ]


def test_a_phone_number_inside_an_e_mail_address_is_only_an_e_mail_address() -> None:
    assert _found("+31612345678@s.whatsapp.net") == [("email", "+31612345678@s.whatsapp.net")]


def test_hits_carry_the_exact_span_of_the_identifier_in_the_text() -> None:
    text = "Bel 06-12345678 of mail a@b.nl"
    spans = [text[h.start : h.end] for h in detect(text)]
    assert spans == ["06-12345678", "a@b.nl"]


def test_only_the_asked_kinds_are_returned() -> None:
    text = "Bel 06-12345678 of mail a@b.nl"
    assert [h.kind for h in detect(text, frozenset({Kind.EMAIL}))] == [Kind.EMAIL]


def test_text_with_characters_whose_lower_case_is_longer_keeps_exact_offsets() -> None:
    text = "İstanbul. BSN: 111222333"
    hit = detect(text)[0]
    assert text[hit.start : hit.end] == "111222333"


def test_a_postcode_alone_is_still_found() -> None:
    assert _found("Wij zitten in 8011 AB.") == [("postcode", "8011 AB")]


def test_dutch_numbers_are_valid_exactly_when_phonenumbers_says_so() -> None:
    import random

    import phonenumbers

    from privacydesk.scan.detectors import normalise_phone

    rng = random.Random(31)
    for _ in range(20_000):
        national = str(rng.randint(100_000_000, 999_999_999))
        expected = phonenumbers.is_valid_number(
            phonenumbers.PhoneNumber(country_code=31, national_number=int(national))
        )
        assert (normalise_phone("0" + national) is not None) == expected, national
