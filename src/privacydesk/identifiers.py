"""Identifier normalisation: one canonical form per value, so the blind index finds it again.

Phones become E.164 (default region NL), IBANs compact upper case after the mod-97 check, e-mail
addresses are validated and lower-cased, Dutch postcodes become '1234 AB'. Errors name the field and
the reason, never the value (it is personal data).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn

from privacydesk.errors import UnusableInput

KINDS = ("email", "phone", "iban", "name", "address", "postcode")
_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
_SPACES = re.compile(r"\s+")


class InvalidIdentifier(UnusableInput):
    """A value that is not a valid identifier of its kind. Carries the field, never the value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", hint=f"correct the {field}")
        self.field = field
        self.reason = reason


# Plain ASCII addresses (nearly all of them) are checked by this strict pattern; anything else —
# international characters, quoted local parts, odd domains — goes through email-validator.
_PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,24}$"
)


def normalise_email(value: str) -> str:
    value = value.strip()
    if _PLAIN_EMAIL.match(value) and ".." not in value:
        return value.lower()
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidIdentifier("email", "not a valid e-mail address") from None


# A Dutch mobile number written plainly (06…, +316…, 00316…, spaced or hyphenated) is valid exactly when
# it matches phonenumbers' NL mobile pattern 6[1-58]\d{7}; that is most numbers in a phone's contact list,
# and this check is some 40 times cheaper than parsing. Anything else goes through phonenumbers.
_PLAIN_NL_MOBILE = re.compile(r"(?:\+31|0031|0)(6[1-58][0-9]{7})")


def normalise_phone(value: str, region: str = "NL") -> str:
    if region == "NL" and (mobile := _PLAIN_NL_MOBILE.fullmatch(value.replace(" ", "").replace("-", ""))):
        return "+31" + mobile.group(1)
    return _parse_phone(value, region)


@lru_cache(maxsize=4096)
def _parse_phone(value: str, region: str) -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier("phone", "not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("phone", "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_iban(value: str) -> str:
    try:
        return str(stdnum_iban.validate(value))
    except StdnumError:
        raise InvalidIdentifier("iban", "not a valid IBAN (check digits or length)") from None


def normalise_postcode(value: str) -> str:
    match = _POSTCODE.match(value)
    if not match:
        raise InvalidIdentifier("postcode", "not a Dutch postcode like 1234 AB")
    return f"{match.group(1)} {match.group(2).upper()}"


def normalise_name(value: str) -> str:
    """Case-folded, accents kept, spaces collapsed: the form the name index and matcher use."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if not text or len(text) > 200:
        raise InvalidIdentifier("name", "empty or longer than 200 characters")
    return text.casefold()


def normalise_address(value: str) -> str:
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if not text:
        raise InvalidIdentifier("address", "empty")
    return text.casefold()


_BSN_SHAPE = re.compile(r"^\s*\d{3}[ .]?\d{2}[ .]?\d{2}[ .]?\d{2}\s*$|^\s*\d{4}[ .]\d{2}[ .]\d{3}\s*$")


def is_bsn(value: str) -> bool:
    """True for a whole value written as a BSN (nine digits, maybe grouped by dots or spaces) that
    passes the 11-check. Other digit runs (invoice numbers with hyphens, phone numbers) are not."""
    return bool(_BSN_SHAPE.match(value)) and bool(
        stdnum_bsn.is_valid(value.replace(".", "").replace(" ", ""))
    )


NORMALISERS = {
    "email": normalise_email,
    "phone": normalise_phone,
    "iban": normalise_iban,
    "name": normalise_name,
    "address": normalise_address,
    "postcode": normalise_postcode,
}


def normalise(kind: str, value: str) -> str:
    try:
        return NORMALISERS[kind](value)
    except KeyError:
        raise InvalidIdentifier(kind, f"unknown identifier kind; use one of {', '.join(KINDS)}") from None


def guess_kind(query: str) -> list[tuple[str, str]]:
    """The (kind, normalised value) readings of a search query: an e-mail, a phone, an IBAN or a name."""
    readings: list[tuple[str, str]] = []
    for kind in ("email", "iban", "phone"):
        try:
            readings.append((kind, normalise(kind, query)))
        except InvalidIdentifier:
            continue
    if not readings or readings[0][0] == "phone":
        try:
            readings.append(("name", normalise_name(query)))
        except InvalidIdentifier:
            pass
    return readings
