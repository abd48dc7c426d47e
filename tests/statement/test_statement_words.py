"""The small pure rules under the statement: durations and dates in words, and choosing a language."""

from __future__ import annotations

from datetime import date

import pytest

from privacydesk.errors import UnusableInput
from privacydesk.statement.words import check_language, duration_words, join_words, long_date
from privacydesk.web.routes.statement import negotiate


@pytest.mark.parametrize(
    ("duration", "lang", "spelled", "expected"),
    [
        ("P7Y", "nl", False, "7 jaar"),
        ("P1Y", "en", False, "1 year"),
        ("P4W", "nl", True, "vier weken"),
        ("P4W", "en", True, "four weeks"),
        ("P1M", "nl", True, "een maand"),
        ("P2Y6M", "en", False, "2 years and 6 months"),
        ("P13M", "nl", True, "13 maanden"),
        ("P0D", "nl", False, ""),
    ],
)
def test_a_duration_in_words(duration: str, lang: str, spelled: bool, expected: str) -> None:
    assert duration_words(duration, lang, spelled=spelled) == expected


@pytest.mark.parametrize(("lang", "expected"), [("nl", "25 november 2026"), ("en", "25 November 2026")])
def test_a_date_in_words(lang: str, expected: str) -> None:
    assert long_date(date(2026, 11, 25), lang) == expected


def test_a_list_in_words() -> None:
    assert join_words(["a", "b", "c"], "nl") == "a, b en c"
    assert join_words(["a"], "en") == "a"


def test_an_unknown_language_names_the_valid_ones() -> None:
    with pytest.raises(UnusableInput) as raised:
        check_language("fr")
    assert raised.value.hint == "use one of: nl, en"


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        (None, None, "nl"),
        ("en", "nl", "en"),
        ("nl", "en", "nl"),
        ("de", None, "nl"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "de-DE,de;q=0.9,en;q=0.8,nl;q=0.7", "en"),
        (None, "nl;q=0.5,en;q=0.9", "en"),
        (None, "en;q=0, nl", "nl"),
        (None, "*", "nl"),
        (None, "en;q=abc", "nl"),
    ],
)
def test_the_language_of_a_page(query: str | None, header: str | None, expected: str) -> None:
    assert negotiate(query, header) == expected
