"""Scanning on two cores finds exactly what scanning in one process finds, in the same order."""

from __future__ import annotations

import random

import pytest

from privacydesk.scan import detect, scan_text_parallel
from privacydesk.scan.parallel import fork_map

SENTENCES = [
    "Bel me op 06-{a}{b} of mail naar klant{a}@example.nl.",
    "Please pay to NL91 ABNA 0417 1643 00 before the {a}th.",
    "Mijn BSN is 111222333, postcode 1234 AB nummer {a}.",
    "Geboortedatum: 12-03-19{a}; telefoon +31 20 555 {b}.",
    "Factuur 2024-00{a} van 12-03-2024, € 1.234,56 — no personal data here.",
]


def _texts(count: int) -> list[str]:
    rng = random.Random(11)
    return [
        " ".join(
            rng.choice(SENTENCES).format(a=rng.randrange(10, 99), b=rng.randrange(100000, 999999))
            for _ in range(rng.randrange(1, 40))
        )
        for _ in range(count)
    ]


def test_two_workers_find_exactly_what_one_process_finds() -> None:
    texts = _texts(300)
    serial = [detect(text) for text in texts]
    assert sum(map(len, serial)) > 1000
    assert scan_text_parallel(texts, workers=2) == serial
    assert scan_text_parallel(texts, workers=3) == serial
    assert scan_text_parallel(texts, workers=1) == serial


def test_an_empty_list_and_a_single_text_need_no_worker() -> None:
    assert scan_text_parallel([], workers=2) == []
    assert scan_text_parallel(["mail jan@example.nl"], workers=2) == [detect("mail jan@example.nl")]


def _fails_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven")
    return n * n


def test_a_failure_in_any_process_is_raised_to_the_caller() -> None:
    assert fork_map(_fails_on_seven, list(range(7)), workers=2) == [n * n for n in range(7)]
    with pytest.raises((ValueError, RuntimeError), match="seven"):
        fork_map(_fails_on_seven, list(range(40)), workers=2)
