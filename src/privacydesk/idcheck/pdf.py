"""The first pages of a PDF: their embedded images (a scan or a photo) and their text, in memory."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from privacydesk.errors import UnusableInput
from privacydesk.idcheck.source import MAX_PDF_PAGES, MAX_PIXELS, Page, decode_image, kind_of

BROKEN = (PyPdfError, PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, IndexError)


def _reader(data: bytes, filename: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
    except BROKEN:
        raise UnusableInput(
            f"{filename}: the PDF is damaged and cannot be read", hint="save or scan it again as PDF or JPEG"
        ) from None
    if reader.is_encrypted:
        raise UnusableInput(
            f"{filename}: the PDF is protected with a password, so it cannot be checked",
            hint="send the copy as a PDF without a password, or as a JPEG or PNG photo",
        )
    return reader


def _declared_pixels(page: Any) -> int:
    """The largest image a page declares, read from its dictionary before anything is decoded."""
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    sizes = [0]
    for ref in xobjects.values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            sizes.append(int(obj.get("/Width", 0)) * int(obj.get("/Height", 0)))
    return max(sizes)


def _page_images(page: Any, filename: str) -> list[Page]:
    if _declared_pixels(page) > MAX_PIXELS:
        raise UnusableInput(
            f"{filename}: an image in the PDF is too large to check", hint="send a smaller scan"
        )
    pages = []
    for embedded in page.images:
        data = embedded.data if kind_of(embedded.data) in ("jpeg", "png") else _as_png(embedded)
        pages.append(Page(decode_image(data, filename=filename)))
    return pages


def _as_png(embedded: Any) -> bytes:
    buffer = io.BytesIO()
    embedded.image.save(buffer, format="PNG")
    return buffer.getvalue()


def read_pdf(data: bytes, *, filename: str) -> list[Page]:
    """Images and text of the PDF's first pages; refuses a password-protected or damaged PDF."""
    reader = _reader(data, filename)
    pages: list[Page] = []
    try:
        for page in reader.pages[:MAX_PDF_PAGES]:
            pages += _page_images(page, filename)
            pages.append(Page(None, page.extract_text() or ""))
    except BROKEN:
        raise UnusableInput(
            f"{filename}: a page of the PDF is damaged and cannot be read", hint="save or scan it again"
        ) from None
    if not any(p.image is not None or p.text.strip() for p in pages):
        raise UnusableInput(
            f"{filename}: the PDF holds no image or text of a document", hint="scan the document"
        )
    return pages
