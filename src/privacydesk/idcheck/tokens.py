"""Finding number-like tokens in OCR lines, with the box of the words they span and nearby labels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from privacydesk.idcheck.ocr import Line, Word
from privacydesk.idcheck.regions import Box


@dataclass(frozen=True)
class Token:
    """A regex match in one OCR line, with the union box of the words it touches."""

    text: str
    box: Box
    height: int


def _spans(line: Line) -> list[tuple[int, int, Word]]:
    spans, pos = [], 0
    for word in line.words:
        spans.append((pos, pos + len(word.text), word))
        pos += len(word.text) + 1
    return spans


def find_tokens(lines: list[Line], pattern: re.Pattern[str], *, lookalikes: str = "") -> Iterator[Token]:
    """Every match of `pattern` in each line's text, with the box of the words it covers.

    `lookalikes` (pairs of characters, "wrong right …") maps OCR misreadings one to one, so the
    match still lines up with the words.
    """
    table = str.maketrans(lookalikes[0::2], lookalikes[1::2])
    for line in lines:
        spans = _spans(line)
        for match in pattern.finditer(line.text.translate(table)):
            words = [w for start, end, w in spans if start < match.end() and end > match.start()]
            box = Box.union(w.box for w in words)
            yield Token(match.group(0), box, max(1, min(w.box.height for w in words)))


def label_boxes(lines: list[Line], labels: tuple[str, ...]) -> list[Box]:
    """Boxes of the lines holding one of `labels` (lower case, punctuation ignored): the whole line,
    as a bilingual label ("Documentnummer / Document no.") may be read with one half garbled."""
    found = []
    for line in lines:
        words = [re.sub(r"[^a-z]", "", w.text.lower()) for w in line.words]
        pairs = [word + (words[i + 1] if i + 1 < len(words) else "") for i, word in enumerate(words)]
        if any(
            w == label or len(w) >= 3 and p.startswith(label)
            for w, p in zip(words, pairs, strict=True)
            for label in labels
        ):
            found.append(line.box)
    return found


def near_label(token: Token, labels: list[Box]) -> bool:
    """Whether a label sits left of or above the token, within a few text heights."""
    for label in labels:
        dx, dy = label.gap_to(token.box)
        if dy <= 3 * token.height and dx <= 25 * token.height and label.y <= token.box.bottom:
            return True
    return False
