"""The ID-copy check: refuse a copy on which the photo, MRZ, document number or BSN is readable.

Everything happens in memory: the upload is decoded, examined and drawn on without being written
to disk, database, log or temporary file, so a refused copy is never kept. Findings carry no
personal data (no numbers, no names): only which part, where, and why it counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
from PIL import Image

from privacydesk.idcheck import bsn, docnumber, mrz
from privacydesk.idcheck.deskew import map_back, straighten
from privacydesk.idcheck.face import find_faces
from privacydesk.idcheck.load import load_pages
from privacydesk.idcheck.messages import LANGS, Part, accepted, refusal
from privacydesk.idcheck.ocr import CODE_ALPHABET, MRZ_ALPHABET, Line, read_lines
from privacydesk.idcheck.preview import WebPreview, annotate, web_preview
from privacydesk.idcheck.regions import Box
from privacydesk.idcheck.tokens import label_boxes
from privacydesk.idcheck.zone import find_bands

OCR_SIDE = 1600  # longest side for OCR: MRZ characters of a card filling a phone photo stay ~30 px
MAX_UPSCALE = 2.0


@dataclass(frozen=True)
class Finding:
    """A readable part: which, on which page, where (None for text inside a PDF), and why."""

    part: Part
    page: int
    region: Box | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        region = None if self.region is None else vars(self.region)
        return {"part": self.part.value, "page": self.page, "region": region, "detail": self.detail}


@dataclass(frozen=True)
class IdCheckResult:
    """Accepted when nothing forbidden is readable; `previews` are PNGs with the findings boxed."""

    findings: tuple[Finding, ...]
    previews: tuple[bytes, ...] = field(repr=False)
    page_sizes: tuple[tuple[int, int], ...]

    @property
    def accepted(self) -> bool:
        return not self.findings

    @property
    def parts(self) -> list[Part]:
        """The readable parts, each once, in the order of the Part enum."""
        return [p for p in Part if any(f.part == p for f in self.findings)]

    def message(self, lang: str = "nl") -> str:
        """What to tell the person, in Dutch ('nl') or English ('en')."""
        lang = lang if lang in LANGS else "nl"
        return accepted(lang) if self.accepted else refusal(self.parts, lang)

    def web_preview(self, page: int = 0, *, max_side: int = 1000) -> WebPreview:
        """The boxed preview as a small JPEG `data:` URI with its size, to show once and never store."""
        return web_preview(self.previews[page], max_side=max_side)

    def as_dict(self, lang: str = "nl") -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "parts": [p.value for p in self.parts],
            "message": self.message(lang),
            "findings": [f.as_dict() for f in self.findings],
            "pages": [{"width": w, "height": h} for w, h in self.page_sizes],
        }


def _ocr_image(gray: np.ndarray) -> tuple[np.ndarray, float]:
    factor = min(MAX_UPSCALE, OCR_SIDE / max(gray.shape[:2]))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation), factor


def _mrz_detail(lines: list[str], fields: set[str]) -> str:
    return (
        f"{mrz.layout_of(lines)} machine-readable zone; check digits valid for: {', '.join(sorted(fields))}"
    )


def _validated(lines: list[Line]) -> tuple[list[Line], set[str]]:
    candidates = []
    fields: set[str] = set()
    for line in lines:
        text = mrz.normalise(line.text)
        valid = mrz.valid_fields(text) if len(text) >= 20 else []
        if valid or mrz.looks_like_mrz(text):
            candidates.append(line)
            fields.update(valid)
    return candidates, fields


def _band_around(gray: np.ndarray, candidates: list[Line]) -> Box:
    """The strip across the page around lines that look like MRZ, with room for a line or two more."""
    zone = Box.union(line.box for line in candidates)
    line_height = max(12, int(np.median([w.box.height for line in candidates for w in line.words])))
    return Box(0, zone.y, gray.shape[1], zone.height).grown(
        0, 3 * line_height, limit_w=gray.shape[1], limit_h=gray.shape[0]
    )


def _moved(lines: list[Line], inverse: np.ndarray | None, dx: int, dy: int) -> list[Line]:
    """Lines read from a (straightened) crop, with their boxes back in page pixels."""
    return [
        Line(tuple(replace(w, box=map_back(w.box, inverse).scaled(1, dx=dx, dy=dy)) for w in line.words))
        for line in lines
    ]


def _read_band(gray: np.ndarray, band: Box) -> tuple[list[Line], set[str]]:
    """OCR of one band in the MRZ alphabet, straightened on its own (a photo's perspective slants
    the bottom of a document differently from its top); boxes in page pixels."""
    level, inverse = straighten(gray[band.y : band.bottom, band.x : band.right])
    lines, fields = _validated(read_lines(level, psm=6, whitelist=MRZ_ALPHABET))
    return _moved(lines, inverse, band.x, band.y), fields


def _find_mrz(gray: np.ndarray, lines: list[Line]) -> tuple[Box, str] | None:
    """The MRZ from the page's OCR; else read again, band by band, where lines looked like MRZ
    or where the image has wide bands of text (Tesseract's layout analysis may drop the zone)."""
    candidates, fields = _validated(lines)
    if not fields:
        bands = [_band_around(gray, candidates)] if candidates else []
        for band in bands + [
            b.grown(0, b.height // 2, limit_w=gray.shape[1], limit_h=gray.shape[0]) for b in find_bands(gray)
        ]:
            candidates, fields = _read_band(gray, band)
            if fields:
                break
    if not fields:
        return None
    zone = Box.union(line.box for line in candidates)
    return zone, _mrz_detail([mrz.normalise(line.text) for line in candidates], fields)


def _beside_labels(
    gray: np.ndarray, lines: list[Line], labels: tuple[str, ...], alphabet: str
) -> Iterator[list[Line]]:
    """The area right of and below each label line (at most two), read again in `alphabet` only:
    OCR often garbles a lone code or number that it reads fine once told what characters to expect."""
    for label in label_boxes(lines, labels)[:2]:
        h = max(10, label.height)
        area = Box(label.x - 6 * h, label.y - h // 2, label.width + 12 * h, 4 * h)
        area = area.clamped(gray.shape[1], gray.shape[0])
        again = read_lines(gray[area.y : area.bottom, area.x : area.right], psm=6, whitelist=alphabet)
        yield _moved(again, None, area.x, area.y)


def _document_numbers(gray: np.ndarray, lines: list[Line]) -> list[docnumber.DocNumberHit]:
    """Document numbers on the page, read again beside a label that stands without one."""
    hits = docnumber.find_document_numbers(lines)
    for again in [] if hits else _beside_labels(gray, lines, docnumber.LABELS, CODE_ALPHABET):
        hits = docnumber.find_document_numbers(again, beside_label=True)
        if hits:
            break
    return hits


def _bsns(gray: np.ndarray, lines: list[Line]) -> list[bsn.BsnHit]:
    """BSNs on the page, read again in digits beside a BSN label that stands without one."""
    hits = bsn.find_bsns(lines)
    for again in [] if hits else _beside_labels(gray, lines, bsn.LABELS, "0123456789."):
        hits = [replace(hit, labelled=True) for hit in bsn.find_bsns(again)]
        if hits:
            break
    return hits


def _text_findings(gray: np.ndarray, page: int) -> list[Finding]:
    ocr, factor = _ocr_image(gray)
    level, inverse = straighten(ocr)
    lines = read_lines(level, psm=11)  # sparse text: an ID card is fields, not paragraphs

    def place(box: Box) -> Box:
        return map_back(box, inverse).scaled(1 / factor)

    zone = _find_mrz(level, lines)
    found = [] if zone is None else [Finding(Part.MRZ, page, place(zone[0]), zone[1])]
    # A number inside the MRZ belongs to the MRZ finding: one box per part to cover.
    outside = [line for line in lines if zone is None or not zone[0].holds_centre_of(line.box)]
    for hit in _bsns(level, outside):
        detail = "11-check valid, next to a BSN label" if hit.labelled else "11-check valid 9-digit number"
        found.append(Finding(Part.BSN, page, place(hit.box), detail))
    for doc in _document_numbers(level, outside):
        detail = "next to its label" if doc.labelled else "Dutch document-number pattern"
        found.append(Finding(Part.DOCUMENT_NUMBER, page, place(doc.box), detail))
    return found


def _image_findings(image: Image.Image, page: int) -> list[Finding]:
    gray = np.asarray(image.convert("L"))
    faces = [Finding(Part.PHOTO, page, box, "a face is visible") for box in find_faces(gray)]
    return faces + _text_findings(gray, page)


def _pdf_text_findings(text: str, page: int) -> list[Finding]:
    """Parts readable as text inside a PDF (no image region to show)."""
    found = []
    for raw in text.splitlines():
        line = mrz.normalise(raw)
        if mrz.looks_like_mrz(line) and mrz.valid_fields(line):
            found.append(Finding(Part.MRZ, page, None, "machine-readable zone in the PDF's text"))
        if any(bsn.is_bsn(m.group(0)) for m in bsn.PATTERN.finditer(raw)):
            found.append(Finding(Part.BSN, page, None, "11-check valid number in the PDF's text"))
        if any(docnumber.is_document_number(m.group(0)) for m in docnumber.PATTERN.finditer(raw)):
            found.append(Finding(Part.DOCUMENT_NUMBER, page, None, "document number in the PDF's text"))
    return found


def check_id_document(data: bytes, *, filename: str) -> IdCheckResult:
    """Examine an uploaded ID copy in memory; raises UnusableInput for a file that cannot be read."""
    findings: list[Finding] = []
    previews: list[bytes] = []
    sizes: list[tuple[int, int]] = []
    for index, page in enumerate(load_pages(data, filename=filename)):
        if page.image is None:
            findings += _pdf_text_findings(page.text, index)
            continue
        page_findings = _image_findings(page.image, index)
        findings += page_findings
        previews.append(annotate(page.image, [(f.part, f.region) for f in page_findings if f.region]))
        sizes.append(page.image.size)
    return IdCheckResult(tuple(findings), tuple(previews), tuple(sizes))
