"""What cannot be seen on a page: characters painted over (a PDF editor's white box, or its
new text over the old), so that the page reader reads what is shown.
"""

from __future__ import annotations

import ctypes

from .boxes import Box, Char

COVERED = 0.5  # of a character's box: covered this much by a later character, it is hidden
_WHITE = (255, 255, 255)


def _overlap(a: Char, b: Char) -> float:
    """How much of `a`'s box `b` covers, from 0 to 1."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.top, b.top) - max(a.bottom, b.bottom)
    area = (a.right - a.left) * (a.top - a.bottom)
    return w * h / area if w > 0 and h > 0 and area > 0 else 0.0


def hide_covered(rows: list[list[Char]], textpage, page) -> None:
    """Mark what cannot be seen: a character most of whose box a later character of another
    text object covers (an editor's new digit over the old one), and a character under a white
    fill painted after it (an editor's white box)."""
    import pypdfium2.raw as raw

    objects = {}  # a top-level page object's address -> its place in the content stream
    whites = []  # (place, box) of each white fill
    for place in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, place)
        objects[ctypes.cast(obj, ctypes.c_void_p).value] = place
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_PATH and _white_fill(obj):
            whites.append((place, _bounds(obj)))
    places: dict[int, int] = {}

    def place_of(char: Char) -> int:
        if char.index not in places:
            obj = raw.FPDFText_GetTextObject(textpage.raw, char.index)
            places[char.index] = objects.get(ctypes.cast(obj, ctypes.c_void_p).value, -1)
        return places[char.index]

    for row in rows:  # each row is sorted left to right
        if _overlaid(row, place_of):
            _hide_under_later_runs(row, place_of)
    for place, box in whites:
        for row in rows:
            for char in row:
                middle = ((char.left + char.right) / 2, (char.bottom + char.top) / 2)
                if not char.hidden and box.holds(*middle) and 0 <= place_of(char) < place:
                    char.hidden = True


def _overlaid(row: list[Char], place_of) -> bool:
    """Whether a character of the row covers much of one of another text object."""
    for i, char in enumerate(row):
        for j in range(i + 1, len(row)):
            other = row[j]
            if other.left >= char.right - 0.5:  # touching (kerning): not covering
                break
            if " " in (char.char, other.char) or _overlap(char, other) < COVERED:
                continue
            if place_of(char) != place_of(other):
                return True
    return False


def _hide_under_later_runs(row: list[Char], place_of) -> None:
    """Hide each character whose middle lies within the box of a text object's characters
    drawn later in the row (an editor's new text over the old: the glyphs need not line up)."""
    runs: dict[int, list[float]] = {}
    for char in row:
        if char.char != " ":
            box = runs.setdefault(place_of(char), [char.left, char.bottom, char.right, char.top])
            box[0], box[1] = min(box[0], char.left), min(box[1], char.bottom)
            box[2], box[3] = max(box[2], char.right), max(box[3], char.top)
    for char in row:
        x, y = (char.left + char.right) / 2, (char.bottom + char.top) / 2
        place = place_of(char)
        for later, (left, bottom, right, top) in runs.items():
            if later > place and left <= x <= right and bottom <= y <= top:
                char.hidden = True
                break


def _white_fill(obj) -> bool:
    import pypdfium2.raw as raw

    mode, stroke = ctypes.c_int(), ctypes.c_int()
    if (
        not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(mode), ctypes.byref(stroke))
        or not mode.value
    ):
        return False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFPageObj_GetFillColor(obj, *(ctypes.byref(v) for v in (r, g, b, a))):
        return False
    return (r.value, g.value, b.value) == _WHITE and a.value == 255


def _bounds(obj) -> Box:
    import pypdfium2.raw as raw

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in (left, bottom, right, top)))
    return Box(left.value, bottom.value, right.value, top.value)
