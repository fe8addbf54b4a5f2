"""Confusion matrices as tables of readable numbers, coloured as a heatmap.

A count in a cell is text in the PDF, not a drawing: a screen reader reads it, `verify` compares
it with the rest of the page text, and the arithmetic of a report (trace / total = accuracy) can
be checked from its pages. The colours are ColorBrewer's "Blues" (matplotlib's `Blues` is made
from the same nine colours, interpolated the same way), scaled from the matrix's smallest to its
largest count, as an image of the matrix would be. Each count's colour is the one of white or
near-black that contrasts more with its cell, at least 4.5:1 (a test checks every shade).
"""

from __future__ import annotations

from typing import Any

# ColorBrewer's Blues, light to dark
BLUES = (
    "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
    "#4292c6", "#2171b5", "#08519c", "#08306b",
)  # fmt: skip
DARK, LIGHT = "#000000", "#ffffff"  # black: the only dark that reads at 4.5:1 on every shade


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def shade(t: float) -> str:
    """The Blues colour at `t` in [0, 1], interpolated linearly between its nine anchors."""
    t = min(max(t, 0.0), 1.0) * (len(BLUES) - 1)
    i = min(int(t), len(BLUES) - 2)
    low, high, f = _rgb(BLUES[i]), _rgb(BLUES[i + 1]), t - i
    return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(low, high, strict=True))


def _luminance(hex_colour: str) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`."""
    return LIGHT if contrast(LIGHT, background) > contrast(DARK, background) else DARK


def heatmap(matrix: list[list[int]]) -> dict[str, Any]:
    """A confusion matrix's rows of cells: the count, its background and its text colour, and
    whether the cell is on the diagonal (a correct answer)."""
    values = [v for row in matrix for v in row]
    low, high = min(values), max(values)
    span = (high - low) or 1
    rows = []
    for i, row in enumerate(matrix):
        cells = []
        for j, value in enumerate(row):
            background = shade((value - low) / span)
            cells.append(
                {"value": value, "bg": background, "fg": text_on(background), "hit": i == j}
            )
        rows.append({"label": i, "cells": cells})
    return {"labels": list(range(len(matrix[0]))), "rows": rows}


def confusion_heatmaps(results: Any) -> dict[str, dict[str, Any]]:
    """The report's confusion matrices by name: each classifier's default and tuned fit on the
    test split."""
    return {
        f"{key}_{phase}": heatmap(getattr(model, phase).confusion_matrix)
        for key, model in results.models.items()
        if model.family == "classification"
        for phase in ("default", "tuned")
    }
