"""The image shown to the person, with a labelled box around each part still readable (PNG, in memory)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
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


def label(part: Part) -> str:
    """The box's caption in both languages: the preview is made before anyone knows which is read."""
    nl, en = SHORT["nl"][part], SHORT["en"][part]
    return nl if nl == en else f"{nl} / {en}"


def annotate(image: Image.Image, boxes: list[tuple[Part, Box]]) -> bytes:
    """PNG bytes of `image` with a red box and a label around each readable part."""
    canvas = image.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    width = max(3, max(canvas.size) // 300)
    size = max(12, max(canvas.size) // 60)
    for part, box in boxes:
        draw.rectangle((box.x, box.y, box.right, box.bottom), outline=COLOUR, width=width)
        caption = label(part)
        caption_width = draw.textlength(caption, font=font(size))
        at = (max(0, min(box.x, canvas.width - int(caption_width) - 2)), max(0, box.y - size - 2 * width))
        draw.rectangle(draw.textbbox(at, caption, font=font(size)), fill=COLOUR)
        draw.text(at, caption, fill=(255, 255, 255), font=font(size))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()


@dataclass(frozen=True)
class WebPreview:
    """A preview to put in a web page as it is: a JPEG `data:` URI (CSP allows data: images) and its size."""

    uri: str
    width: int
    height: int


def web_preview(png: bytes, *, max_side: int) -> WebPreview:
    """A preview PNG made smaller for a web page; nothing is written anywhere."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    uri = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return WebPreview(uri, image.width, image.height)
