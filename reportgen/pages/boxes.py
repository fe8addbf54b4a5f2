"""Where things are on a page: a box, and a character with its box (the page reader's
geometry, shared by its modules)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on a page, in PDF points from the page's bottom left."""

    left: float
    bottom: float
    right: float
    top: float

    def union(self, other: Box) -> Box:
        """The smallest box holding both."""
        return Box(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )

    def holds(self, x: float, y: float) -> bool:
        """Whether the point (x, y) is inside."""
        return self.left <= x <= self.right and self.bottom <= y <= self.top


class Char:
    """A shown character and its loose box (plain attributes: a page has thousands)."""

    __slots__ = ("index", "char", "left", "bottom", "right", "top", "hidden")

    def __init__(self, index: int, char: str, box: tuple[float, float, float, float]) -> None:
        self.index, self.char = index, char
        self.left, self.bottom, self.right, self.top = box
        self.hidden = False
