"""The BSN (Dutch citizen service number): 9 digits passing the 11-check, with or without separators.

UAVG art. 46 forbids processing the BSN without a legal duty, so any valid 9-digit number on the
copy counts; one next to 'BSN', 'Persoonsnummer' or 'Personal no.' is a certain one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.nl import bsn as stdnum_bsn

from privacydesk.idcheck.ocr import Line
from privacydesk.idcheck.regions import Box
from privacydesk.idcheck.tokens import find_tokens, label_boxes, near_label

LABELS = ("bsn", "persoonsnummer", "personalno", "burgerservicenummer")
# Nine digits, optionally grouped 4.2.3 or 3.3.3 with dots, spaces or dashes (OCR may add a space
# beside a dot); OCR look-alikes of digits
# are accepted and mapped before the 11-check.
_D = r"[0-9OoIl]"
PATTERN = re.compile(
    rf"(?<![0-9A-Za-z]){_D}{{4}}[. -]{{0,2}}{_D}{{2}}[. -]{{0,2}}{_D}{{3}}(?![0-9A-Za-z])"
    rf"|(?<![0-9A-Za-z]){_D}{{3}}[. -]{{1,2}}{_D}{{3}}[. -]{{1,2}}{_D}{{3}}(?![0-9A-Za-z])"
)
_AS_DIGIT = str.maketrans("OoIl", "0011")


@dataclass(frozen=True)
class BsnHit:
    """A BSN found on the copy: where, and whether a BSN label was next to it."""

    box: Box
    labelled: bool


def is_bsn(text: str) -> bool:
    """Whether `text` (digits with any separators) is a BSN that passes the 11-check."""
    digits = re.sub(r"[^0-9]", "", text.translate(_AS_DIGIT))
    return len(digits) == 9 and digits != "000000000" and bool(stdnum_bsn.is_valid(digits))


def find_bsns(lines: list[Line]) -> list[BsnHit]:
    """Every 11-check-valid 9-digit token in the OCR lines."""
    labels = label_boxes(lines, LABELS)
    return [
        BsnHit(token.box, near_label(token, labels))
        for token in find_tokens(lines, PATTERN)
        if is_bsn(token.text)
    ]
