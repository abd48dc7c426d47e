"""An upload as pages to check: the size limit first, then the kind from the first bytes."""

from __future__ import annotations

from privacydesk.errors import UnusableInput
from privacydesk.idcheck.pdf import read_pdf
from privacydesk.idcheck.source import MAX_BYTES, Page, decode_image, kind_of


def load_pages(data: bytes, *, filename: str) -> list[Page]:
    """The images (and PDF text) to check; UnusableInput for anything too large or unreadable."""
    if len(data) > MAX_BYTES:
        raise UnusableInput(
            f"{filename}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
            hint="send a smaller photo or scan",
        )
    kind = kind_of(data)
    if kind == "pdf":
        return read_pdf(data, filename=filename)
    if kind == "unknown":
        raise UnusableInput(
            f"{filename}: this is not a JPEG, PNG, HEIC or PDF file",
            hint="send a photo or scan of the identity document",
        )
    return [Page(decode_image(data, filename=filename))]
