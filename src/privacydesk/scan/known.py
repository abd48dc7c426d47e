"""Known-subject matching: which of the store's subjects does a text mention?

Strong identifiers (e-mail, phone, IBAN) are matched by value: each candidate in the text is put in
its canonical form and looked up — in a set of normalised values, or through the store's keyed
blind index, so nothing has to be decrypted. Validation is not needed here: a candidate that equals
a known, validated identifier is a match. Full names are matched with one Aho-Corasick automaton
over all names (pyahocorasick), never one regular expression per subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick

from privacydesk.scan.detectors import (
    IBAN_BRANCH,
    PHONE_BRANCH,
    Kind,
    _iban_span,
    candidates_pattern,
    find_emails,
)

STRONG_KINDS = (Kind.EMAIL, Kind.PHONE, Kind.IBAN)
# The scanner's candidate pattern without its postcode and BSN branches: fewer places to try.
_STRONG = candidates_pattern("A-Z0+(", IBAN_BRANCH, PHONE_BRANCH)
_NON_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")


class Mention(NamedTuple):
    """A known subject mentioned in a text: by which identifier kind, and where."""

    subject: str
    kind: Kind
    start: int
    end: int


def canonical_phone(raw: str) -> str | None:
    """E.164 form of a written phone number by its prefix alone (0… is Dutch), without validating."""
    digits = _NON_DIGIT.sub("", raw.replace("(0)", ""))
    if raw.lstrip().startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+31" + digits[1:]
    return None


def _canonical(kind: str, raw: str) -> tuple[Kind, str] | None:
    if kind == "phone":
        value = canonical_phone(raw)
        return (Kind.PHONE, value) if value else None
    if kind == "iban":
        return Kind.IBAN, _iban_span(raw).replace(" ", "")
    return None


def strong_candidates(text: str) -> Iterable[tuple[Kind, str, int, int]]:
    """Every e-mail, phone and IBAN look-alike in `text`, in canonical form, unvalidated."""
    for hit in find_emails(text):
        yield Kind.EMAIL, hit.value, hit.start, hit.end
    for m in _STRONG.finditer(text):
        found = _canonical(m.lastgroup or "", m.group())
        if found is not None:
            yield found[0], found[1], m.start(), m.end()


def normalise_name(name: str) -> str:
    """The form names are matched in: case-folded, whitespace collapsed."""
    return _SPACES.sub(" ", name).strip().casefold()


@dataclass
class KnownSubjects:
    """The identifiers and names of the subjects to look for.

    `lookup(kind, canonical value)` returns the subjects holding it: by default a dict of values
    (`add_identifier`), or a blind-index look-up supplied by the store.
    """

    identifiers: dict[tuple[Kind, str], set[str]] = field(default_factory=dict)
    lookup: Callable[[Kind, str], Iterable[str]] | None = None
    _names: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)
    _ready: bool = False

    def add_identifier(self, subject: str, kind: Kind, value: str) -> None:
        self.identifiers.setdefault((kind, value), set()).add(subject)

    def add_name(self, subject: str, name: str) -> None:
        key = normalise_name(name)
        if len(key) < 5 or " " not in key:  # a single word or a short name is no full name
            return
        entry = self._names.get(key, None)
        if entry is None:
            self._names.add_word(key, (len(key), [subject]))
        else:
            entry[1].append(subject)
        self._ready = False

    def _subjects_with(self, kind: Kind, value: str) -> Iterable[str]:
        if self.lookup is not None:
            return self.lookup(kind, value)
        return self.identifiers.get((kind, value), ())

    def match(self, text: str) -> list[Mention]:
        """Every mention of a known subject in `text`, in text order."""
        mentions = [
            Mention(subject, kind, start, end)
            for kind, value, start, end in strong_candidates(text)
            for subject in self._subjects_with(kind, value)
        ]
        mentions.extend(self._name_mentions(text))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _name_mentions(self, text: str) -> Iterable[Mention]:
        if len(self._names) == 0:
            return
        if not self._ready:
            self._names.make_automaton()
            self._ready = True
        # A name broken over a line is still a name (str.replace is far faster than translate here).
        spaced = text.replace("\n", " ").replace("\r", " ").replace("\t", " ").replace("\xa0", " ")
        folded = spaced.casefold()
        if len(folded) != len(text):  # casefold lengthened a character (ß → ss): keep offsets exact
            folded = "".join(c if len(c.casefold()) != 1 else c.casefold() for c in spaced)
        for last, (length, subjects) in self._names.iter(folded):
            start = last - length + 1
            if (start and folded[start - 1].isalnum()) or folded[last + 1 : last + 2].isalnum():
                continue
            for subject in subjects:
                yield Mention(subject, Kind.NAME, start, last + 1)
