"""An accepted copy is watermarked "Alleen voor identificatie bij <business>, <date>"."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
from PIL import Image

from privacydesk.idcheck.watermark import add_watermark, watermark_text
from tests.idcheck.synthetic import Specimen


def test_the_watermark_names_the_business_and_the_date_in_dutch() -> None:
    text = watermark_text("Ocqto Support", date(2026, 11, 25))
    assert text == "Alleen voor identificatie bij Ocqto Support, 25 november 2026"


def test_the_watermarked_copy_is_a_jpeg_of_the_same_size_with_red_text_across_it(
    redacted_card: Specimen,
) -> None:
    marked = add_watermark(
        redacted_card.data, filename="card.png", business="Ocqto Support", on=date(2026, 11, 25)
    )
    original = Image.open(io.BytesIO(redacted_card.data)).convert("RGB")
    image = Image.open(io.BytesIO(marked))
    assert image.format == "JPEG" and image.size == original.size
    pixels = np.asarray(image.convert("RGB")).astype(int)
    reddish = (pixels[..., 0] - pixels[..., 1] > 60) & (pixels[..., 0] - pixels[..., 2] > 40)
    assert 0.02 < reddish.mean() < 0.5
