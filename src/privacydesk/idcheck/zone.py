"""Locating a machine-readable zone without OCR: a wide, dense band of equal-sized characters.

Tesseract's page layout analysis sometimes drops the MRZ of a photographed document altogether;
this finds the band by its shape so it can be read on its own. Classic morphology: dark strokes
(black-hat), horizontal gradients, closed into blocks, kept when much wider than high.
"""

from __future__ import annotations

import cv2
import numpy as np

from privacydesk.idcheck.regions import Box

WORK_WIDTH = 800
MIN_ASPECT = 4.0
MIN_WIDTH_SHARE = 0.35  # an MRZ runs across the document, and the document fills much of the image
MAX_BANDS = 2


def find_bands(gray: np.ndarray) -> list[Box]:
    """Wide text bands, lowest first (the MRZ sits at the bottom), in the image's pixels."""
    factor = min(1.0, WORK_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    strokes = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (13, 5)))
    gradient = np.absolute(cv2.Sobel(strokes, cv2.CV_32F, 1, 0, ksize=-1))
    gradient = (255 * gradient / max(float(gradient.max()), 1e-6)).astype(np.uint8)
    gradient = cv2.morphologyEx(gradient, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (13, 5)))
    _, mask = cv2.threshold(gradient, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (21, 21)))
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8), iterations=2)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    bands = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w >= MIN_ASPECT * h and w >= MIN_WIDTH_SHARE * small.shape[1]:
            bands.append(Box(x, y, w, h).scaled(1 / factor))
    return sorted(bands, key=lambda b: -b.bottom)[:MAX_BANDS]
