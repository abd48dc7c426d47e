"""Read vCards (2.1, 3.0, 4.0) as real phones export them, into plain contacts.

Phones write vCards that `vobject` alone cannot read: quoted-printable soft line breaks, Shift-JIS
and other CHARSETs, comment lines, bare CR line endings, 2.1-style bare TYPE parameters, and
photos. A small pre-normaliser rewrites each card into clean UTF-8 vCard text first (photos and
sounds dropped — they are not kept), then `vobject` parses it.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parseaddr

import vobject

from privacydesk.errors import UnusableInput

DROP = {"PHOTO", "LOGO", "SOUND", "KEY", "X-ANDROID-CUSTOM"}
_NAME = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)?$")


@dataclass
class Contact:
    """One card: where it starts in the file, and the values privacydesk keeps."""

    line: int
    name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Unfold continuation lines (RFC 6350) and quoted-printable soft breaks; yield (line no, line)."""
    raw = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current, start, qp = "", 0, False
    for number, line in enumerate(raw, start=1):
        if current and (line[:1] in (" ", "\t") and not qp):
            current += line[1:]
            continue
        if current and qp and current.endswith("="):
            current = current[:-1] + line
            continue
        if current:
            yield start, current
        current, start = line, number
        qp = "QUOTED-PRINTABLE" in line.split(":", 1)[0].upper()
    if current:
        yield start, current


_ENCODED = ("CHARSET=", "ENCODING=", "QUOTED-PRINTABLE", "BASE64")


def _decode_value(params: list[str], value: str) -> str:
    upper = [p.upper() for p in params]
    if value.isascii() and not any(p.startswith(_ENCODED) for p in upper):
        return value  # plain ASCII in the default UTF-8: nothing to decode (most values)
    charset = next((p.split("=", 1)[1] for p in upper if p.startswith("CHARSET=")), "UTF-8")
    # The file was read as latin-1, so encoding back to latin-1 gives the exact original bytes.
    data: bytes = value.encode("latin-1", "replace")
    if "ENCODING=QUOTED-PRINTABLE" in upper or "QUOTED-PRINTABLE" in upper:
        data = quopri.decodestring(data)
    elif any(p in ("ENCODING=BASE64", "ENCODING=B", "BASE64") for p in upper):
        try:
            data = base64.b64decode(data, validate=False)
        except (binascii.Error, ValueError):
            return ""
    try:
        return data.decode(charset.lower(), errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def split_property(line: str) -> tuple[str, str] | None:
    """(name and parameters, value): split at the first colon outside double quotes."""
    colon = line.find(":")
    if colon >= 0 and '"' not in line[:colon]:
        return line[:colon], line[colon + 1 :]  # no quote before the first colon (nearly every line)
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:i], line[i + 1 :]
    return None


def _clean_line(line: str) -> str | None:
    """One property rewritten as clean UTF-8 vCard 3.0, or None to drop it."""
    split = split_property(line)
    if split is None:
        return None  # comments and junk lines
    head, value = split
    parts = head.split(";")
    name = parts[0].strip()
    prop = name.split(".")[-1].upper()
    if not _NAME.match(name) or prop in DROP:
        return None
    params = [p for p in parts[1:] if p]
    if prop in ("BEGIN", "END", "VERSION"):
        return f"{prop}:{value.strip() if prop != 'VERSION' else '3.0'}"
    if not params:  # most lines: no parameters to decode by or to rewrite
        return prop + ":" + _decode_value(params, value).replace("\r\n", "\\n").replace("\n", "\\n")
    text = _decode_value(params, value)
    kept = [p for p in params if not p.upper().startswith(("CHARSET=", "ENCODING=")) and "=" in p]
    types = [f"TYPE={p}" for p in params if "=" not in p and p.upper() not in ("QUOTED-PRINTABLE", "BASE64")]
    text = text.replace("\r\n", "\\n").replace("\n", "\\n")
    return ";".join([prop, *kept, *types]) + ":" + text


def split_cards(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each card's first line number and its cleaned lines."""
    card: list[str] | None = None
    start = 0
    for number, line in _logical_lines(text):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            card, start = ["BEGIN:VCARD"], number
        elif upper == "END:VCARD" and card is not None:
            card.append("END:VCARD")
            yield start, card
            card = None
        elif card is not None:
            cleaned = _clean_line(line)
            if cleaned and not cleaned.startswith(("BEGIN:", "END:")):
                card.append(cleaned)
    if card is not None:
        raise UnusableInput(
            f"line {start}: a card starts here but never ends (END:VCARD missing)",
            hint="the file is truncated: export the contacts again",
        )


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\,;:nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _components(text: str) -> list[str]:
    """Split a structured value (N, ADR) on the semicolons that are not escaped."""
    return [_unescape(part) for part in re.split(r"(?<!\\);", text)]


def _address(value: str) -> str:
    """An e-mail address, also from the 'Name <address>' form some phones write."""
    return (parseaddr(value)[1] if "<" in value else value).strip()


def _fast_contact(start: int, lines: list[str]) -> Contact:
    """The kept properties straight from the cleaned lines (the fast path; vobject is the reference)."""
    contact, n_value = Contact(start), ""
    for line in lines[1:-1]:
        head, value = split_property(line) or ("", "")
        prop = head.split(";", 1)[0].split(".")[-1].upper()
        if prop == "FN" and not contact.name:
            contact.name = _unescape(value).strip()
        elif prop == "N":
            n_value = value
        elif prop == "EMAIL" and (address := _address(_unescape(value))):
            contact.emails.append(address)
        elif prop == "TEL" and (number := _phone_text(_unescape(value))):
            contact.phones.append(number)
        elif prop == "ADR":
            parts = _components(value) + [""] * 7
            text = " ".join(p.strip() for p in (parts[2], parts[5], parts[3]) if p.strip())
            if text:
                contact.addresses.append(text)
    if not contact.name and n_value:
        family, given, additional, prefix, suffix = (_components(n_value) + [""] * 5)[:5]
        contact.name = " ".join(p.strip() for p in (prefix, given, additional, family, suffix) if p.strip())
    return contact


def _contact(start: int, lines: list[str]) -> Contact:
    try:
        card = vobject.readOne("\r\n".join(lines) + "\r\n", ignoreUnreadable=True)
    except Exception as exc:  # noqa: BLE001 - vobject raises many kinds for a broken card
        raise UnusableInput(
            f"line {start}: this card cannot be read ({type(exc).__name__})",
            hint="check the card in the file, or export it again",
        ) from None
    contact = Contact(start)
    contents = card.contents
    if "fn" in contents and str(contents["fn"][0].value).strip():
        contact.name = str(contents["fn"][0].value).strip()
    elif "n" in contents:
        n = contents["n"][0].value
        contact.name = " ".join(
            p for p in (n.prefix, n.given, n.additional, n.family, n.suffix) if isinstance(p, str) and p
        ).strip()
    contact.emails = [a for e in contents.get("email", []) if (a := _address(str(e.value)))]
    contact.phones = [p for t in contents.get("tel", []) if (p := _phone_text(str(t.value)))]
    for adr in contents.get("adr", []):
        a = adr.value
        parts = [a.street, a.code, a.city] if hasattr(a, "street") else [str(a)]
        text = " ".join(str(p) for p in parts if p and str(p).strip())
        if text:
            contact.addresses.append(text)
    return contact


def _phone_text(value: str) -> str:
    """The number in a TEL value: `tel:` URIs unwrapped, extensions and SIP addresses left out."""
    value = value.strip()
    if value.lower().startswith("sip:") or "@" in value:
        return ""
    if value.lower().startswith("tel:"):
        value = value[4:]
    return value.split(";", 1)[0].strip()


def read_vcards(data: bytes, *, reference: bool = False) -> Iterator[Contact]:
    """The contacts in a vCard file's bytes (any charset: each value is decoded by its CHARSET).

    `reference=True` parses each card with vobject instead of the fast path (tests compare the two).
    """
    text = data.decode("latin-1")
    parse = _contact if reference else _fast_contact
    for start, lines in split_cards(text):
        yield parse(start, lines)
