"""Tesseract OCR in memory: the image goes to `tesseract stdin stdout` through a pipe.

pytesseract writes the image to a temporary file first; an unredacted identity document must never
touch the disk, so the binary is run directly (pytesseract is used only to find it). Each word keeps
its box, so every finding can show the person where it is.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract

from privacydesk.errors import UnusableInput
from privacydesk.idcheck.regions import Box

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./"
TIMEOUT_S = 30


@dataclass(frozen=True)
class Word:
    """One word Tesseract read, with its box in the OCR image and its line key."""

    text: str
    box: Box
    line: tuple[int, int, int]


@dataclass(frozen=True)
class Line:
    """The words of one text line in reading order, with their union box."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return Box.union(w.box for w in self.words)


def _encode(gray: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".pgm", gray)  # uncompressed: the fastest for Tesseract to read
    if not ok:
        raise UnusableInput("the image could not be prepared for text recognition")
    return bytes(buf.tobytes())


def _run(gray: np.ndarray, args: list[str]) -> str:
    cmd = [pytesseract.pytesseract.tesseract_cmd, "stdin", "stdout", "--oem", "1", *args, "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(cmd, input=_encode(gray), capture_output=True, timeout=TIMEOUT_S, env=env)
    except FileNotFoundError:
        raise UnusableInput(
            "text recognition is not available: the `tesseract` program was not found",
            hint="install Debian's tesseract-ocr package",
        ) from None
    except subprocess.TimeoutExpired:
        raise UnusableInput(
            "text recognition took too long on this image", hint="send a smaller photo"
        ) from None
    return done.stdout.decode("utf-8", "replace")


def _parse_tsv(tsv: str) -> list[Word]:
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        words.append(Word(cols[11].strip(), Box(left, top, width, height), key))
    return words


def group_lines(words: list[Word]) -> list[Line]:
    """Words grouped by Tesseract's block/paragraph/line, each line left to right."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return [Line(tuple(sorted(ws, key=lambda w: w.box.x))) for ws in lines.values()]


def read_lines(gray: np.ndarray, *, psm: int = 3, whitelist: str | None = None) -> list[Line]:
    """OCR a grayscale image (uint8) and return its text lines with boxes."""
    args = ["--psm", str(psm)]
    if whitelist:
        args += [
            "-c",
            f"tessedit_char_whitelist={whitelist}",
            "-c",
            "load_system_dawg=0",
            "-c",
            "load_freq_dawg=0",
        ]
    return group_lines(_parse_tsv(_run(gray, args)))
