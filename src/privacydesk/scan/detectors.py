"""Personal-data detectors: cheap regular expressions find candidates, validators confirm them.

In pure Python the cost of detection is validating candidates, not the regex engine, so each
detector (1) finds candidates with one selective pattern, (2) rules most of them out with a cheap
check on the digits (length, trunk prefix, mod-97, 11-check), and (3) only then calls the library
that knows the rules (`phonenumbers`, `python-stdnum`). Every detector returns `Hit`s with the
normalised value (E.164 phone, compact IBAN, `1234 AB` postcode, ISO date).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import ahocorasick
import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError


class Kind(StrEnum):
    """The kinds of personal data the scanner recognises."""

    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    BSN = "bsn"
    POSTCODE = "postcode"
    DATE_OF_BIRTH = "date_of_birth"
    NAME = "name"


class Hit(NamedTuple):
    """One validated identifier in a text: where it is and its normalised value.

    A named tuple, not a dataclass: the scanner makes one per identifier, and tuples are cheapest.
    """

    kind: Kind
    start: int
    end: int
    value: str


# --- e-mail -------------------------------------------------------------------------------
# Found from each "@": the local part is matched backwards (on the reversed text before it) and
# the domain forwards, so the engine never walks the words of the text.
_LOCAL_REVERSED = re.compile(r"[\w.%+\-]{1,64}")
_DOMAIN = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}(?![\w\-])"
)


def find_emails(text: str) -> Iterator[Hit]:
    at = text.find("@")
    while at >= 0:
        local = _LOCAL_REVERSED.match(text[max(0, at - 64) : at][::-1])
        domain = _DOMAIN.match(text, at + 1)
        if local and domain:
            start = at - local.end()
            name = text[start:at]
            if name[0] != "." and name[-1] != "." and ".." not in name:
                yield Hit(Kind.EMAIL, start, domain.end(), text[start : domain.end()].lower())
        at = text.find("@", at + 1)


# --- phone --------------------------------------------------------------------------------
# Groups of digits joined by single separators, optionally opening with + or a bracketed area code.
# It opens with +, ( or 0 (a Dutch trunk prefix); the lookbehind sits after that first character so
# the engine can skip ahead to candidate characters.
_NON_DIGIT = re.compile(r"\D")
_GROUP = re.compile(r"\+?\(?\d[\d)]*")


def _nl_nine_digit_pattern() -> re.Pattern[str]:
    """phonenumbers' own rules for a valid nine-digit Dutch national number, as one pattern.

    The same test is_valid_number makes (the general pattern, then any number type whose possible
    lengths include 9), compiled once from the library's metadata instead of walked per number.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("NL")
    assert metadata is not None and metadata.general_desc is not None
    types = (
        "fixed_line",
        "mobile",
        "toll_free",
        "premium_rate",
        "shared_cost",
        "personal_number",
        "voip",
        "pager",
        "uan",
        "voicemail",
    )
    descs = [getattr(metadata, t) for t in types]
    patterns = [
        d.national_number_pattern for d in descs if d and d.national_number_pattern and 9 in d.possible_length
    ]
    return re.compile(rf"(?=(?:{metadata.general_desc.national_number_pattern})$)(?:{'|'.join(patterns)})$")


_NL_NINE_DIGITS = _nl_nine_digit_pattern()


def _dutch(national: str) -> str | None:
    if len(national) != 9 or national[0] == "0":
        return None
    return f"+31{national}" if _NL_NINE_DIGITS.match(national) else None


@lru_cache(maxsize=65536)
def normalise_phone(raw: str) -> str | None:
    """E.164 for a written phone number that is valid (Dutch when it has no country code), else None."""
    digits = _NON_DIGIT.sub("", raw)
    if not 9 <= len(digits) <= 15:
        return None
    if raw.lstrip().startswith("+"):
        return _dutch(digits[2:]) if digits.startswith("31") else _international(digits)
    if digits.startswith("0031"):
        return _dutch(digits[4:])
    if digits.startswith("00"):
        return _international(digits[2:])
    return _dutch(digits[1:]) if digits.startswith("0") else None


def _international(digits: str) -> str | None:
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """Runs of consecutive digit groups inside a candidate (at most 15 digits), longest first."""
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(text, start, end)]
    for i in range(len(groups)):
        last, count = i, 0
        for j in range(i, len(groups)):
            count += len(_NON_DIGIT.sub("", text[groups[j][0] : groups[j][1]]))
            if count > 15:
                break
            last = j
        for j in range(last, i - 1, -1):
            yield groups[i][0], groups[j][1], text[groups[i][0] : groups[j][1]]


def _unbracket(raw: str) -> str:
    """`+31 (0)6…` and `(020) …` without the brackets (and the bracketed trunk zero)."""
    return raw.replace("(0)", "").replace("(", "").replace(")", "") if "(" in raw else raw


def _plausible_phone(raw: str) -> bool:
    """Cheap: a Dutch trunk prefix (0, not 00) or an international one (+, 00)."""
    return raw[0] in "+(" or (raw[0] == "0" and raw[1:2] != "")


def _phones(text: str, m: re.Match[str]) -> tuple[Hit, ...]:
    """The phone numbers in a candidate: usually the whole run, else runs of its digit groups."""
    raw = m.group()
    if len(raw) < 9 or len(_NON_DIGIT.sub("", raw)) < 9:
        return ()
    whole = normalise_phone(_unbracket(raw))
    if whole is not None:  # the common case: the candidate is one number
        return (Hit(Kind.PHONE, m.start(), m.end(), whole),)
    if raw.isdigit() and len(raw) == 9:  # not a phone number; may be a BSN that starts with 0
        return _bsn_token(text, m)
    return tuple(_phones_within(text, m.start(), m.end()))


def _phones_within(text: str, start: int, end: int) -> Iterator[Hit]:
    taken = start
    for s, e, raw in _phone_spans(text, start, end):
        if s < taken or not _plausible_phone(raw):
            continue
        value = normalise_phone(_unbracket(raw))
        if value is not None:
            yield Hit(Kind.PHONE, s, e, value)
            taken = e


# --- IBAN ---------------------------------------------------------------------------------
# The length of an IBAN in the countries whose accounts a Dutch business sees most; elsewhere
# the whole candidate is tried. A known length lets us cut a candidate that swallowed a word.
_IBAN_LENGTH = {
    "NL": 18,
    "BE": 16,
    "DE": 22,
    "FR": 27,
    "GB": 22,
    "LU": 20,
    "ES": 24,
    "IT": 27,
    "AT": 20,
    "IE": 22,
    "PT": 25,
    "DK": 18,
    "SE": 24,
    "FI": 18,
    "PL": 28,
    "CH": 21,
}
# BBAN formats (ISO 13616 registry, as in python-stdnum's iban.dat) checked without a database
# look-up for the two countries most IBANs here come from; other countries go through stdnum.
_BBAN = {"NL": re.compile(r"[A-Z]{4}\d{10}"), "DE": re.compile(r"\d{18}")}


_LETTER_DIGITS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})


def _mod97(compact: str) -> bool:
    return int((compact[4:] + compact[:4]).translate(_LETTER_DIGITS)) % 97 == 1


def _iban_span(raw: str) -> str:
    """The candidate cut to its country's IBAN length (spaces kept), when the country is known."""
    length = _IBAN_LENGTH.get(raw[:2])
    if length is None:
        return raw
    for cut in (length, length + (length - 1) // 4):  # written compact, or in groups of four
        if len(raw) >= cut and len(raw[:cut].replace(" ", "")) == length:
            return raw[:cut]
    count = 0
    for i, c in enumerate(raw):
        count += c != " "
        if count == length:
            return raw[: i + 1]
    return raw


def _iban(text: str, m: re.Match[str]) -> tuple[Hit, ...]:
    candidate = _iban_span(m.group())
    compact = candidate.replace(" ", "")
    if _mod97(compact) and valid_iban(compact):
        return (Hit(Kind.IBAN, m.start(), m.start() + len(candidate), compact),)
    return ()


def valid_iban(compact: str) -> bool:
    """A compact IBAN whose check digits and BBAN format are right."""
    bban = _BBAN.get(compact[:2])
    if bban is not None:
        return (
            len(compact) == _IBAN_LENGTH[compact[:2]]
            and _mod97(compact)
            and bban.fullmatch(compact, 4) is not None
        )
    try:
        stdnum_iban.validate(compact)
    except ValidationError:
        return False
    return True


# --- BSN ----------------------------------------------------------------------------------
_BSN_AFTER_LABEL = re.compile(r"[^\n\d]{0,25}?(\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3}|\d{8,9})(?!\d)")


_ELEVEN_OFFSET = 43 * ord("0")  # weights 9…2 and -1 sum to 43: subtract the code points' offset once


def _eleven_check(digits: str) -> bool:
    """The BSN 11-check (unrolled: it runs on every nine-digit number in the text)."""
    d = digits.zfill(9).encode()
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    return (total - _ELEVEN_OFFSET) % 11 == 0 and d != b"000000000"


def _bsn_token(text: str, m: re.Match[str]) -> tuple[Hit, ...]:
    """A bare nine-digit token that passes the 11-check."""
    digits = m.group()
    return (Hit(Kind.BSN, m.start(), m.end(), digits),) if _eleven_check(digits) else ()


# --- postcode with house number -----------------------------------------------------------
# Dutch postcodes never use the letter pairs SA, SD and SS, and the letters F, I, O, Q, U, Y.
_HOUSE_NUMBER = re.compile(r",? ?(\d{1,5}(?:[ \-]?[a-zA-Z]\b|-\d{1,3})?)(?![\d,:]|\.\d)")
# `Kerkstraat 12, 1234 AB`: the house number written before the postcode (looked for only when a
# digit is there at all: the search is the costlier check).
_DIGIT = re.compile(r"\d")
_HOUSE_NUMBER_BEFORE = re.compile(r"[^\W\d]\.? (\d{1,5}(?:[ \-]?[a-zA-Z]|-\d{1,3})?),? ?$")


def _postcode(text: str, m: re.Match[str]) -> tuple[Hit, ...]:
    """A postcode, normalised as `1234 AB`, with the house number when one is next to it (`1234 AB 12a`)."""
    raw = m.group()
    value = f"{raw[:4]} {raw[-2:]}"
    before = max(0, m.start() - 14)
    house = _HOUSE_NUMBER.match(text, m.end()) or (
        _HOUSE_NUMBER_BEFORE.search(text, before, m.start())
        if _DIGIT.search(text, before, m.start())
        else None
    )
    return (Hit(Kind.POSTCODE, m.start(), m.end(), f"{value} {house.group(1)}" if house else value),)


# --- date of birth near a label -----------------------------------------------------------
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("maart", "march", "mrt", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augustus", "august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_AFTER_LABEL = re.compile(
    r"[^\n\d]{0,20}?"
    rf"(?:(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}})"
    rf"|(\d{{1,2}}) (?i:({_MONTH_NAMES}))\.? (\d{{4}}))(?!\d)"
)


def _dob(m: re.Match[str]) -> tuple[int, str] | None:
    """Where the date starts and its ISO form, or None when it is no real date."""
    g = m.groups()
    if g[0]:
        start, day, month, year = m.start(1), int(g[0]), int(g[1]), int(g[2])
    elif g[3]:
        start, year, month, day = m.start(4), int(g[3]), int(g[4]), int(g[5])
    else:
        start, day, month, year = m.start(7), int(g[6]), _MONTHS[g[7].lower()], int(g[8])
    try:
        return start, date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_of_birth_after(text: str, pos: int) -> Hit | None:
    m = _DATE_AFTER_LABEL.match(text, pos)
    found = _dob(m) if m else None
    return Hit(Kind.DATE_OF_BIRTH, found[0], pos + len(m.group()), found[1]) if m and found else None


def _bsn_after(text: str, pos: int) -> Hit | None:
    m = _BSN_AFTER_LABEL.match(text, pos)
    if m is None:
        return None
    digits = "".join(c for c in m.group(1) if c.isdigit())
    return Hit(Kind.BSN, m.start(1), m.end(1), digits.zfill(9)) if _eleven_check(digits) else None


# --- labels: a BSN or a date of birth is recognised after its label -----------------------
# One Aho-Corasick pass over the lower-cased text finds every label (in C, one pass for all of
# them); the value is then matched right after the label.
_BSN_LABELS = (
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "sofi-nummer",
    "citizen service number",
    "social security number",
)
_DOB_LABELS = (
    "geboortedatum",
    "geboren",
    "geb.",
    "date of birth",
    "birth date",
    "birthdate",
    "born",
    "d.o.b.",
    "dob",
)


def _label_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for label in _BSN_LABELS:
        automaton.add_word(label, (len(label), True))
    for label in _DOB_LABELS:
        automaton.add_word(label, (len(label), False))
    automaton.make_automaton()
    return automaton


_LABELS = _label_automaton()


def find_labelled(text: str) -> Iterator[Hit]:
    """BSNs (in any common grouping; 8 digits: a leading zero left out) and dates of birth after a label."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lower() changed the length (e.g. 'İ'): keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for last, (length, is_bsn) in _LABELS.iter(lowered):
        start, end = last - length + 1, last + 1
        if (start and lowered[start - 1].isalnum()) or lowered[end : end + 1].isalpha():
            continue
        hit = _bsn_after(text, end) if is_bsn else _date_of_birth_after(text, end)
        if hit is not None:
            yield hit


# --- one pass for the identifiers that start with a digit, +, ( or a country code -------------
# Each branch opens with its first character and checks what precedes it right after, so the
# engine skips ahead to candidate characters; one pass over the text serves all four kinds.
IBAN_BRANCH = r"(?P<iban>(?<=[A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b)"
PHONE_BRANCH = r"(?P<phone>(?<=[+(0])(?<![+@/.,\-].)[\d)]*(?:[ \-.]{1,2}\(?\d[\d)]*){0,6}(?![\w@]))"
POSTCODE_BRANCH = r"(?P<postcode>(?<=[1-9])(?<![\-/.,].)\d{3} ?(?!SA|SD|SS)[A-EGHJ-NPR-TV-XZ]{2}(?![\w\-]))"
BSN_BRANCH = r"(?P<bsn>(?<=\d)(?<![.,\-/+].)\d{8}(?![\w.,\-/]\d|\w))"


def candidates_pattern(first: str, *branches: str) -> re.Pattern[str]:
    """One pattern for several kinds. The shared first character class is spelled out so the engine
    can skip ahead to it (a pattern that opens with an alternation or a lookbehind makes it try every
    position of the text); each branch then checks that first character and what precedes it."""
    return re.compile(rf"[{first}](?<!\w.)(?:" + "|".join(branches) + ")")


_CANDIDATES = candidates_pattern("A-Z0-9+(", IBAN_BRANCH, PHONE_BRANCH, POSTCODE_BRANCH, BSN_BRANCH)
# The validator of each branch by group number (m.lastindex is cheaper than m.lastgroup); every
# match is in one of the four groups, so entry 0 is never used.
_VALIDATE: list[Callable[[str, re.Match[str]], tuple[Hit, ...]]] = [
    _iban,
    _iban,
    _phones,
    _postcode,
    _bsn_token,
]
assert list(_CANDIDATES.groupindex.values()) == [1, 2, 3, 4]
# Where two hits overlap, the lower rank wins: an e-mail address or a labelled value is read as such.
_RANK = {Kind.EMAIL: 0, Kind.BSN: 1, Kind.DATE_OF_BIRTH: 1, Kind.IBAN: 2, Kind.PHONE: 3, Kind.POSTCODE: 4}


_START = itemgetter(1)


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=_START)
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if _RANK[hit.kind] < _RANK[kept[-1].kind]:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept


def detect(text: str, kinds: frozenset[Kind] | None = None) -> list[Hit]:
    """Every identifier in `text`, in text order, each validated and normalised."""
    hits = list(find_labelled(text))
    hits.extend(find_emails(text))
    validate = _VALIDATE
    for m in _CANDIDATES.finditer(text):
        hits += validate[m.lastindex or 0](text, m)
    found = _without_overlaps(hits)
    return found if kinds is None else [h for h in found if h.kind in kinds]
