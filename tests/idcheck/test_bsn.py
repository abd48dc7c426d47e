"""The BSN: 9-digit numbers passing the 11-check, written with or without dots or spaces."""

from __future__ import annotations

import pytest

from privacydesk.idcheck.bsn import find_bsns, is_bsn
from privacydesk.idcheck.ocr import Line, Word
from privacydesk.idcheck.regions import Box


@pytest.mark.parametrize("text", ["111222333", "1112.22.333", "111 222 333", "123456782", "1234.56.782"])
def test_numbers_passing_the_11_check_are_a_bsn_in_any_usual_writing(text: str) -> None:
    assert is_bsn(text)


@pytest.mark.parametrize("text", ["111222334", "12345678", "1234567890", "000000000"])
def test_numbers_failing_the_11_check_or_of_another_length_are_not(text: str) -> None:
    assert not is_bsn(text)


def _line(y: int, *words: str) -> Line:
    x, out = 10, []
    for word in words:
        out.append(Word(word, Box(x, y, 12 * len(word), 20), (1, 1, y)))
        x += 12 * len(word) + 10
    return Line(tuple(out))


def test_a_bsn_below_its_label_is_found_with_its_box_and_marked_labelled() -> None:
    lines = [_line(100, "Persoonsnummer", "/", "Personal", "no."), _line(125, "1112.22.333")]
    [hit] = find_bsns(lines)
    assert hit.labelled and hit.box == Box(10, 125, 132, 20)


def test_a_bsn_split_into_three_ocr_words_is_found_as_one() -> None:
    [hit] = find_bsns([_line(300, "BSN:", "111", "222", "333")])
    assert hit.labelled and hit.box.x > 10


def test_a_valid_number_without_a_label_still_counts() -> None:
    [hit] = find_bsns([_line(300, "klantnummer", "123456782")])
    assert not hit.labelled


def test_a_date_or_a_longer_number_is_not_taken_for_a_bsn() -> None:
    assert find_bsns([_line(50, "24.08.1985", "1234567820", "NL91ABNA0417164300")]) == []
