"""The machine-readable zone (ICAO Doc 9303): normalise OCR text and verify 7-3-1 check digits.

A readable MRZ is one where at least one field's check digit validates: then the zone can be
machine-read, whatever the OCR got wrong elsewhere. Written here (not the GPL `mrz` package).

Layouts: TD1 (ID cards, 3 lines of 30), TD2 (2 lines of 36), TD3 (passports, 2 lines of 44).
Fields are read from the start of a line, so a filler run that OCR made a character too long or
short further along does not hide them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
WEIGHTS = (7, 3, 1)
# OCR look-alikes of the filler and of digits in fields that can only hold digits.
_FILLER = str.maketrans({"«": "<<", "‹": "<", "〈": "<", "≤": "<", "£": "<", "(": "<", "{": "<", "[": "<"})
_AS_DIGIT = str.maketrans("OQDUIJLTZSBG", "000011172586")
_DATE = re.compile(r"\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
# Birth date, check, sex, expiry date, check: found wherever OCR shifted it within the line.
_DATES = re.compile(r"(?=([0-9OQDUIJLTZSBG]{7})[MFX<]([0-9OQDUIJLTZSBG]{7}))")


@dataclass(frozen=True)
class Field:
    """A field with a check digit: where it starts and ends in its line, and where the check is."""

    name: str
    start: int
    end: int
    check: int
    numeric: bool = False


# Fields of the line that starts with the document number (TD2/TD3 line 2) and of TD1's lines.
SECOND_LINE = (
    Field("document_number", 0, 9, 9),
    Field("birth_date", 13, 19, 19, numeric=True),
    Field("expiry_date", 21, 27, 27, numeric=True),
    Field("personal_number", 28, 42, 42),
)
TD1_FIRST = (Field("document_number", 5, 14, 14),)
TD1_SECOND = (Field("birth_date", 0, 6, 6, numeric=True), Field("expiry_date", 8, 14, 14, numeric=True))


def char_value(char: str) -> int:
    """A character's value for the check digit: digits as such, A=10 … Z=35, the filler 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"not an MRZ character: {char!r}")


def check_digit(data: str) -> int:
    """The ICAO 9303 check digit of `data`: values weighted 7, 3, 1 repeating, modulo 10."""
    return sum(char_value(c) * WEIGHTS[i % 3] for i, c in enumerate(data)) % 10


def normalise(text: str) -> str:
    """OCR text as an MRZ line: upper case, look-alikes of '<' mapped, spaces and others dropped."""
    upper = text.upper().translate(_FILLER)
    return "".join(c for c in upper if c in ALPHABET)


def looks_like_mrz(line: str) -> bool:
    """Whether a normalised line may be an MRZ line (long, with filler or mostly code characters)."""
    if "<<<" in line or len(line) >= 10 and "<<" in line:
        return True
    return len(line) >= 24 and line[:1] in "PIACV" and "<" in line


def _field_validates(line: str, field: Field) -> bool:
    if len(line) <= field.check:
        return False
    value, check = line[field.start : field.end], line[field.check].translate(_AS_DIGIT)
    if field.numeric:
        value = value.translate(_AS_DIGIT)
        if not _DATE.fullmatch(value):
            return False
    elif value.strip("<") == "" or not any(c.isdigit() for c in value):
        return False  # an empty field's check validates trivially; a number without digits is no number
    return check.isdigit() and check_digit(value) == int(check)


def _shifted_dates(line: str) -> list[str]:
    found = []
    for match in _DATES.finditer(line):
        birth, expiry = match.group(1), match.group(2)
        if _field_validates(birth, Field("birth_date", 0, 6, 6, numeric=True)):
            found.append("birth_date")
        if _field_validates(expiry, Field("expiry_date", 0, 6, 6, numeric=True)):
            found.append("expiry_date")
    return found


def valid_fields(line: str) -> list[str]:
    """The fields of one normalised line whose check digit validates, in any layout it may be."""
    found: list[str] = _shifted_dates(line)
    for layout in (SECOND_LINE, TD1_FIRST, TD1_SECOND):
        found += [f.name for f in layout if _field_validates(line, f)]
    return sorted(set(found))


def layout_of(lines: list[str]) -> str:
    """TD1, TD2 or TD3 from the length of the longest line (OCR may lose a filler or two)."""
    longest = max((len(line) for line in lines), default=0)
    if longest >= 40:
        return "TD3"
    return "TD2" if longest >= 34 else "TD1"
