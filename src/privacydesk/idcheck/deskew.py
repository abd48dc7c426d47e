"""Straightening a page before OCR: a copy photographed or scanned a few degrees off reads far worse.

The angle is the one whose horizontal projection of the dark (text) pixels is sharpest: text lines
then fall into separate rows. Boxes found on the straightened page are mapped back for the preview.
"""

from __future__ import annotations

import cv2
import numpy as np

from privacydesk.idcheck.regions import Box

MAX_ANGLE = 8.0
STEP = 0.25
PROFILE_WIDTH = 700
MIN_ANGLE = 0.4  # below this Tesseract copes, and rotating would only cost time


def skew_angle(gray: np.ndarray) -> float:
    """The page's skew in degrees (counter-clockwise positive), searched within ±MAX_ANGLE."""
    factor = min(1.0, PROFILE_WIDTH / gray.shape[1])
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    centre = (small.shape[1] / 2, small.shape[0] / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_ANGLE, MAX_ANGLE + STEP / 2, STEP):
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        turned = cv2.warpAffine(ink, matrix, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def straighten(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The page rotated level, and the affine matrix back to the original (None when not rotated)."""
    angle = skew_angle(gray)
    if abs(angle) < MIN_ANGLE:
        return gray, None
    height, width = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    level = cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)
    return level, cv2.invertAffineTransform(matrix)


def map_back(box: Box, inverse: np.ndarray | None) -> Box:
    """A box on the straightened page as the bounding box of its corners on the original page."""
    if inverse is None:
        return box
    corners = np.array(
        [[box.x, box.y, 1], [box.right, box.y, 1], [box.right, box.bottom, 1], [box.x, box.bottom, 1]]
    )
    points = corners @ inverse.T
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    return Box(int(left), int(top), int(right - left), int(bottom - top))
