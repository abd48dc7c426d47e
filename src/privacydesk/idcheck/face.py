"""The photo: a face found with OpenCV's bundled Haar cascade (frontal faces, as on an ID photo)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import cv2
import numpy as np

from privacydesk.errors import UnusableInput
from privacydesk.idcheck.regions import Box

CASCADE = "haarcascade_frontalface_default.xml"
WORK_SIDE = 800  # faces on an ID photo are large: this size finds them and costs ~0.1 s
MIN_FACE_SHARE = 0.06  # of the image's shorter side; smaller "faces" are guilloche patterns


@cache
def _detector() -> cv2.CascadeClassifier:
    path = Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]
    detector = cv2.CascadeClassifier(str(path))
    if detector.empty():
        raise UnusableInput(
            "the face detector could not be loaded", hint="install opencv-python-headless 4.x, which ships it"
        )
    return detector


def find_faces(gray: np.ndarray) -> list[Box]:
    """Faces in a grayscale image, as boxes in that image's pixels."""
    height, width = gray.shape[:2]
    factor = min(1.0, WORK_SIDE / max(height, width))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else gray
    # No histogram equalisation: on ID photos it halves recall and adds faces in guilloche patterns.
    side = max(20, int(min(small.shape[:2]) * MIN_FACE_SHARE))
    found = _detector().detectMultiScale(small, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    return [
        _photo_around(Box(int(x), int(y), int(w), int(h)).scaled(1 / factor), width, height)
        for x, y, w, h in found
    ]


def _photo_around(face: Box, width: int, height: int) -> Box:
    """The passport photo around a detected face (hair, chin and shoulders): what to cover."""
    grown = Box(face.x, face.y + face.height // 5, face.width, face.height)
    return grown.grown(face.width * 2 // 5, face.height * 3 // 5, limit_w=width, limit_h=height)
