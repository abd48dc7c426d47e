"""The MRZ: ICAO 9303 check digits, normalisation of OCR text, and which fields validate."""

from __future__ import annotations

import pytest

from privacydesk.idcheck import mrz

ICAO_TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
ICAO_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)


@pytest.mark.parametrize(
    ("data", "digit"),
    [("L898902C3", 6), ("740812", 2), ("120415", 9), ("ZE184226B<<<<<", 1), ("D23145890", 7), ("<<<<<<", 0)],
)
def test_check_digits_of_the_icao_specimen_fields_are_computed_7_3_1(data: str, digit: int) -> None:
    assert mrz.check_digit(data) == digit


def test_the_icao_passport_specimen_has_every_field_of_its_second_line_valid() -> None:
    assert mrz.valid_fields(ICAO_TD3[1]) == [
        "birth_date",
        "document_number",
        "expiry_date",
        "personal_number",
    ]
    assert mrz.layout_of(list(ICAO_TD3)) == "TD3"


def test_the_icao_identity_card_specimen_validates_its_document_number_and_dates() -> None:
    assert "document_number" in mrz.valid_fields(ICAO_TD1[0])
    assert {"birth_date", "expiry_date"} <= set(mrz.valid_fields(ICAO_TD1[1]))
    assert mrz.layout_of(list(ICAO_TD1)) == "TD1"


def test_a_name_line_has_no_check_digit_so_nothing_validates() -> None:
    assert mrz.valid_fields(ICAO_TD3[0]) == []
    assert mrz.looks_like_mrz(ICAO_TD3[0])


def test_ocr_text_is_normalised_to_the_mrz_alphabet() -> None:
    assert mrz.normalise("l898902c36 UTO 7408122F«<") == "L898902C36UTO7408122F<<<"


def test_a_field_whose_check_digit_is_wrong_does_not_validate() -> None:
    assert mrz.valid_fields("L898902C35UTO7408121F1204158ZE184226B<<<<<10") == ["personal_number"]


def test_dates_shifted_by_an_ocr_error_in_the_document_number_still_validate() -> None:
    assert {"birth_date", "expiry_date"} <= set(mrz.valid_fields("L8989002C36UTO7408122F1204159ZE18"))


def test_empty_fields_do_not_count_as_readable() -> None:
    assert mrz.valid_fields("<" * 44) == []
