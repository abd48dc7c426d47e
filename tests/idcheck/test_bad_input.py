"""Bad uploads are refused with a clear message naming the file, before much is decoded."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter

from privacydesk.errors import UnusableInput
from privacydesk.idcheck import Part, check_id_document
from privacydesk.idcheck.source import MAX_BYTES
from tests.idcheck.synthetic import Specimen


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares width × height pixels but carries almost no data: an image bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def _refusal(data: bytes, filename: str = "upload.bin") -> UnusableInput:
    with pytest.raises(UnusableInput) as caught:
        check_id_document(data, filename=filename)
    assert filename in caught.value.message and caught.value.hint
    return caught.value


def test_a_file_that_is_not_an_image_is_refused() -> None:
    assert "not a JPEG, PNG, HEIC or PDF" in _refusal(b"Dear sir, here is my passport", "letter.txt").message


def test_a_gif_is_refused_as_an_unsupported_format() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    assert "not a JPEG" in _refusal(buffer.getvalue(), "id.gif").message


@pytest.mark.parametrize("size", [(20_000, 20_000), (9_000, 8_000)])
def test_an_image_bomb_is_refused_before_it_is_decoded(size: tuple[int, int]) -> None:
    assert "megapixels" in _refusal(_png_header(*size), "bomb.png").message


def test_a_file_over_50_mb_is_refused_unread() -> None:
    assert "50 MB" in _refusal(b"\xff\xd8\xff" + bytes(MAX_BYTES), "huge.jpg").message


def test_a_truncated_jpeg_is_refused_as_damaged(readable_card: Specimen) -> None:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(readable_card.data)).convert("RGB").save(buffer, format="JPEG")
    assert "damaged" in _refusal(buffer.getvalue()[: len(buffer.getvalue()) // 2], "half.jpg").message


def test_a_password_protected_pdf_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("geheim")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "password" in _refusal(buffer.getvalue(), "id.pdf").message


def test_a_damaged_pdf_is_refused() -> None:
    assert "damaged" in _refusal(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "broken.pdf").message


def test_an_id_scanned_into_a_pdf_is_checked_like_an_image(readable_card: Specimen) -> None:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(readable_card.data)).convert("RGB").save(buffer, format="PDF", resolution=300)
    result = check_id_document(buffer.getvalue(), filename="scan.pdf")
    assert {Part.MRZ, Part.BSN, Part.PHOTO} <= set(result.parts)


def test_a_heic_photo_from_a_phone_is_checked(readable_card: Specimen) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    image = Image.open(io.BytesIO(readable_card.data)).convert("RGB")
    buffer = io.BytesIO()
    try:
        pillow_heif.from_pillow(image).save(buffer, quality=92)
    except (ValueError, RuntimeError) as exc:
        pytest.skip(f"this pillow-heif cannot encode HEIC here: {exc}")
    result = check_id_document(buffer.getvalue(), filename="IMG_0001.HEIC")
    assert {Part.MRZ, Part.PHOTO} <= set(result.parts)


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_loosened_pillow(
    readable_card: Specimen, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    buffer = io.BytesIO()
    Image.open(io.BytesIO(readable_card.data)).convert("RGB").save(buffer, format="JPEG")
    assert "damaged" in _refusal(buffer.getvalue()[: len(buffer.getvalue()) // 2], "half.jpg").message
