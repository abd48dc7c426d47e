"""Rectangles in image pixels: where a finding is, so the person sees what to cover."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, top, width, height in pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @staticmethod
    def union(boxes: Iterable[Box]) -> Box:
        items = list(boxes)
        left, top = min(b.x for b in items), min(b.y for b in items)
        right, bottom = max(b.right for b in items), max(b.bottom for b in items)
        return Box(left, top, right - left, bottom - top)

    def scaled(self, factor: float, *, dx: int = 0, dy: int = 0) -> Box:
        """This box in another image: shifted by (dx, dy), then multiplied by `factor`."""
        return Box(
            round((self.x + dx) * factor),
            round((self.y + dy) * factor),
            max(1, round(self.width * factor)),
            max(1, round(self.height * factor)),
        )

    def grown(self, dx: int, dy: int, *, limit_w: int, limit_h: int) -> Box:
        """This box widened by dx on each side and heightened by dy, kept within the image."""
        left, top = max(0, self.x - dx), max(0, self.y - dy)
        right, bottom = min(limit_w, self.right + dx), min(limit_h, self.bottom + dy)
        return Box(left, top, right - left, bottom - top)

    def clamped(self, limit_w: int, limit_h: int) -> Box:
        """The part of this box inside an image of limit_w × limit_h pixels."""
        left, top = max(0, self.x), max(0, self.y)
        right, bottom = min(limit_w, self.right), min(limit_h, self.bottom)
        return Box(left, top, max(0, right - left), max(0, bottom - top))

    def holds_centre_of(self, other: Box) -> bool:
        cx, cy = other.x + other.width // 2, other.y + other.height // 2
        return self.x <= cx <= self.right and self.y <= cy <= self.bottom

    def gap_to(self, other: Box) -> tuple[int, int]:
        """Horizontal and vertical distance between the two boxes (0 where they overlap)."""
        dx = max(0, max(self.x, other.x) - min(self.right, other.right))
        dy = max(0, max(self.y, other.y) - min(self.bottom, other.bottom))
        return dx, dy
