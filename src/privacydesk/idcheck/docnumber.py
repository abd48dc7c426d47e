"""The Dutch passport / identity-card number: two letters, six letters or digits, one digit.

The letter O never occurs (it reads as zero), so an OCR 'O' after the first two letters is taken as
0, and one among the first two as a misread Q or D. A number next to 'Documentnummer' /
'Document no.' is certain; one elsewhere counts only when its middle part mixes letters and digits,
which ordinary words on the card never do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from privacydesk.idcheck.ocr import Line
from privacydesk.idcheck.regions import Box
from privacydesk.idcheck.tokens import Token, find_tokens, label_boxes, near_label

# "document" alone too: OCR often reads only one half of "Documentnummer / Document no."
LABELS = ("document", "docnr", "passportno", "paspoortnummer")
# As read: OCR may turn a Q or D into an O, a final 0 into an O, a capital into a small letter
# (T into l), or put a space after the two letters, so the pattern allows those.
PATTERN = re.compile(r"(?<![0-9A-Z])[A-Z]{2} ?[A-Z0-9]{6}[0-9O](?![0-9A-Z])", re.IGNORECASE)
LOOKALIKES = ")J|I!I(C[C$S@0"  # OCR's punctuation for letters and digits, as pairs
VALID = re.compile(r"[A-Z]{2}[A-NP-Z0-9]{6}[0-9]")


@dataclass(frozen=True)
class DocNumberHit:
    """A document number found on the copy: where, and whether its label was next to it."""

    box: Box
    labelled: bool


def normalise(text: str) -> str:
    """OCR text of a document number: upper case, no spaces, 'O' after the two letters read as zero."""
    upper = text.upper().replace(" ", "")
    return upper[:2] + upper[2:].replace("O", "0")


def is_document_number(text: str) -> bool:
    """Whether `text` has the form of a Dutch passport or identity-card number."""
    return bool(VALID.fullmatch(normalise(text)))


def _mixed(token: Token) -> bool:
    middle = normalise(token.text)[2:8]
    return any(c.isdigit() for c in middle) and any(c.isalpha() for c in normalise(token.text))


def find_document_numbers(lines: list[Line], *, beside_label: bool = False) -> list[DocNumberHit]:
    """Document numbers in the OCR lines: next to their label, or clearly code-like elsewhere.

    `beside_label`: the lines were read from the area next to a label, so every match counts.
    """
    labels = label_boxes(lines, LABELS)
    hits = []
    for token in find_tokens(lines, PATTERN, lookalikes=LOOKALIKES):
        if not is_document_number(token.text):
            continue
        labelled = beside_label or near_label(token, labels)
        if labelled or _mixed(token):
            hits.append(DocNumberHit(token.box, labelled))
    return hits
