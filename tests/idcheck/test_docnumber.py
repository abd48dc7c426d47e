"""The Dutch passport / ID-card number: two letters, six letters or digits, a digit, never the letter O."""

from __future__ import annotations

import pytest

from privacydesk.idcheck.docnumber import find_document_numbers, is_document_number
from privacydesk.idcheck.ocr import Line, Word
from privacydesk.idcheck.regions import Box


@pytest.mark.parametrize("text", ["SPECI2014", "NW92BF5T1", "XR1001R58", "IR0000004"])
def test_dutch_document_numbers_have_the_pattern(text: str) -> None:
    assert is_document_number(text)


@pytest.mark.parametrize("text", ["NEDERLAND", "S1ECI2014", "SPECI201", "SPECIA2014", "SPECI201X"])
def test_other_words_do_not(text: str) -> None:
    assert not is_document_number(text)


def test_an_ocr_letter_o_is_read_as_the_zero_it_must_be() -> None:
    assert is_document_number("XR1OO1R5O")


def _line(y: int, *words: str) -> Line:
    x, out = 10, []
    for word in words:
        out.append(Word(word, Box(x, y, 14 * len(word), 22), (1, 1, y)))
        x += 14 * len(word) + 10
    return Line(tuple(out))


def test_a_number_below_its_label_is_found() -> None:
    [hit] = find_document_numbers(
        [_line(40, "Documentnummer", "/", "Document", "no."), _line(66, "SPECIABC4")]
    )
    assert hit.labelled and hit.box.y == 66


def test_a_word_shaped_like_a_number_away_from_a_label_is_ignored() -> None:
    assert find_document_numbers([_line(400, "Hallo", "ABCDEFGH1")]) == []
