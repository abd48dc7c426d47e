"""The watermark on an accepted copy (the KopieID idea): "Alleen voor identificatie bij <business>, <date>".

A copy with this text across it is worthless for anything but the one identity check it was sent for.
"""

from __future__ import annotations

import io
import math
from datetime import date

from PIL import Image, ImageDraw

from privacydesk.errors import UnusableInput
from privacydesk.idcheck.load import load_pages
from privacydesk.idcheck.preview import font

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def watermark_text(business: str, on: date) -> str:
    """The watermark sentence, with the date in Dutch ("25 november 2026")."""
    return f"Alleen voor identificatie bij {business}, {on.day} {MONTHS[on.month - 1]} {on.year}"


def _stamp(size: tuple[int, int], text: str) -> Image.Image:
    """The text repeated in diagonal rows on a transparent layer the size of the image."""
    width, height = size
    diagonal = int(math.hypot(width, height))
    layer = Image.new("RGBA", (diagonal, diagonal), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    text_font = font(max(14, min(width, height) // 22))
    line = (text + "   ") * 4
    step = max(40, min(width, height) // 7)
    for y in range(0, diagonal, step):
        draw.text((-(y % 300), y), line, font=text_font, fill=(200, 0, 30, 110))
    turned = layer.rotate(30, resample=Image.Resampling.BICUBIC)
    left, top = (diagonal - width) // 2, (diagonal - height) // 2
    return turned.crop((left, top, left + width, top + height))


def add_watermark(data: bytes, *, filename: str, business: str, on: date) -> bytes:
    """JPEG bytes of the (accepted) copy with the watermark across it; nothing is written anywhere.

    For a PDF, its first image is the copy (the check read that one too).
    """
    images = [page.image for page in load_pages(data, filename=filename) if page.image is not None]
    if not images:
        raise UnusableInput(f"{filename}: there is no image to watermark", hint="send a photo or scan")
    image = images[0].convert("RGBA")
    marked = Image.alpha_composite(image, _stamp(image.size, watermark_text(business, on)))
    buffer = io.BytesIO()
    marked.convert("RGB").save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()
