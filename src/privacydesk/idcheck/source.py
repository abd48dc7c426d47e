"""Reading an upload safely, in memory: JPEG, PNG, HEIC (via pillow-heif) or the first pages of a PDF.

Sizes are checked before anything is decoded (50 MB per file, 64 megapixels per image, Pillow's
decompression-bomb limit lowered to match), JPEGs are decoded at a reduced scale straight away, and
every failure becomes one clear `UnusableInput` that names the file. Nothing is written anywhere.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from privacydesk.errors import UnusableInput

MAX_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 64_000_000
WORK_SIDE = 2000  # longest side the checks work on: enough for OCR of an ID card in a phone photo
MAX_PDF_PAGES = 3
FORMATS = ("JPEG", "PNG", "HEIF")
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")
UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    Image.DecompressionBombError,
)

Image.MAX_IMAGE_PIXELS = MAX_PIXELS

try:  # HEIC photos from iPhones, where the library is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_READABLE = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; kept optional on purpose
    HEIF_READABLE = False


@dataclass(frozen=True)
class Page:
    """One image to check: an RGB image no larger than WORK_SIDE, and text a PDF page carries."""

    image: Image.Image | None
    text: str = ""


def kind_of(data: bytes) -> str:
    """The file kind from its first bytes (never from its name): jpeg, png, heif, pdf or unknown."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "heif"
    return "unknown"


def _too_many_pixels(filename: str) -> UnusableInput:
    return UnusableInput(
        f"{filename}: the image has more than {MAX_PIXELS // 1_000_000} megapixels",
        hint="send a normal photo or scan of the document (a phone photo is fine)",
    )


def _corrupt(filename: str) -> UnusableInput:
    return UnusableInput(
        f"{filename}: the image is damaged or incomplete and cannot be read",
        hint="take the photo or scan again and send it as JPEG, PNG, HEIC or PDF",
    )


def _open(data: bytes, filename: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(filename) from None
        except UNREADABLE:
            raise _corrupt(filename) from None


def _complete(image: Image.Image, data: bytes) -> bool:
    """Whether the file is whole. Checked here, not left to Pillow: WeasyPrint sets Pillow's global
    LOAD_TRUNCATED_IMAGES on import, after which a cut-off JPEG or PNG decodes without an error."""
    tail = data[-4096:].rstrip(b"\x00\r\n ")
    if image.format == "JPEG":
        return tail.endswith(b"\xff\xd9")
    if image.format == "PNG":
        return b"IEND" in tail
    return True


def decode_image(data: bytes, *, filename: str) -> Image.Image:
    """Decode image bytes into an RGB image whose longest side is at most WORK_SIDE."""
    image = _open(data, filename)
    if not _complete(image, data):
        raise _corrupt(filename)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(filename)
    image.draft("RGB", (WORK_SIDE, WORK_SIDE))  # JPEG: libjpeg decodes at 1/2, 1/4 … scale
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        rgb = image.convert("RGB")
    except UNREADABLE:
        raise _corrupt(filename) from None
    rgb.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.LANCZOS)
    return rgb
