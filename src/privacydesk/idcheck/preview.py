"""The image shown to the person, with a labelled box around each part still readable (PNG, in memory)."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from privacydesk.idcheck.messages import SHORT, Part
from privacydesk.idcheck.regions import Box

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
COLOUR = (220, 0, 40)


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu where installed, else Pillow's built-in font at that size."""
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def annotate(image: Image.Image, boxes: list[tuple[Part, Box]], *, lang: str = "nl") -> bytes:
    """PNG bytes of `image` with a red box and a label around each readable part."""
    canvas = image.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    width = max(3, max(canvas.size) // 300)
    size = max(14, max(canvas.size) // 45)
    for part, box in boxes:
        draw.rectangle((box.x, box.y, box.right, box.bottom), outline=COLOUR, width=width)
        label = SHORT[lang][part]
        top = max(0, box.y - size - 2 * width)
        text_box = draw.textbbox((box.x, top), label, font=font(size))
        draw.rectangle(text_box, fill=COLOUR)
        draw.text((box.x, top), label, fill=(255, 255, 255), font=font(size))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()
