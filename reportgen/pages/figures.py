"""A PDF's figures by what they show: each drawn region without text, rendered in grayscale.

Two renders of one report by different render stacks break lines differently, so a figure may
sit higher or lower, or on another page; what it shows is the same. A figure here is a block of
drawing (paths and images, found with pypdfium2's page objects) at least MIN_SIZE points high
and wide with no word inside it: the report's figures are SVG with their text drawn as paths
(svg.fonttype "path"), while a table's rules are thin and its cells hold words. Each is
rendered on its own (the page's text taken out), cropped to its drawing's exact bounds (each
object's bounds cut by its clipping path), so a figure that moved by a fraction of a point is
rendered to the same pixels; two figures are the same when no more than MOVED_PIXELS
of their pixels differ by more than DARKER (anti-aliasing at the edges).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from .reader import Box, Page

MIN_SIZE = 30.0  # points: smaller drawings are rules, bullets, a table's borders
GAP = 6.0  # points: drawings closer than this, one above the other, are one figure
SCALE = 1.5  # pixels per point (108 dpi): a 1-point line is a pixel and a half
DARKER = 64  # of 255: a pixel differing by less is anti-aliasing
MOVED_PIXELS = 0.001  # of its pixels: a figure moved by layout differs in none (measured: 0.0),
# one whose bar is 0.6 pt higher in 0.18 %, 3 pt higher in 0.7 %


@dataclass
class Figure:
    page: int  # from 1
    box: Box
    pixels: object  # a 2-D numpy array of uint8, the figure in grayscale

    def difference(self, other: Figure) -> float:
        """The share of pixels that differ by more than DARKER (1.0 when the sizes differ by
        more than a pixel)."""
        import numpy as np

        a, b = self.pixels, other.pixels
        if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
            return 1.0
        rows, cols = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
        diff = np.abs(a[:rows, :cols].astype(np.int16) - b[:rows, :cols].astype(np.int16))
        return float((diff > DARKER).mean())

    def same_as(self, other: Figure) -> bool:
        """Whether the two show the same (see the module's docstring)."""
        return self.difference(other) <= MOVED_PIXELS


def read_figures(pdf: bytes, pages: list[Page]) -> list[Figure]:
    """Every figure of `pdf` in page order, top to bottom; `pages`: its pages as the reader
    read them (where the words are)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for index, read in zip(range(len(document)), pages, strict=False):
            page = document[index]
            try:
                drawn = []
                for obj in list(page.get_objects(max_depth=0)):
                    if obj.type == raw.FPDF_PAGEOBJ_TEXT:
                        page.remove_obj(obj)  # in memory only: the drawing, without its text
                    elif (box := _visible(obj, read)) is not None:
                        drawn.append(box)
                for box in _blocks(drawn, read):
                    out.append(Figure(index + 1, box, _render(page, box, read.height)))
            finally:
                page.close()
        return out
    finally:
        document.close()


def _visible(obj, read: Page) -> Box | None:
    """Where an object can be seen: its bounds cut by its clipping path (a clipped object's
    bounds reach past its clip: matplotlib's bars reach 900 points below the page) and by the
    page; None for nothing, or for the page's background."""
    import pypdfium2.raw as raw

    left, bottom, right, top = obj.get_bounds()
    clip = raw.FPDFPageObj_GetClipPath(obj.raw)
    if clip:
        xs, ys = [], []
        x, y = ctypes.c_float(), ctypes.c_float()
        for path in range(raw.FPDFClipPath_CountPaths(clip)):
            for index in range(raw.FPDFClipPath_CountPathSegments(clip, path)):
                segment = raw.FPDFClipPath_GetPathSegment(clip, path, index)
                if raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                    xs.append(x.value)
                    ys.append(y.value)
        if xs:
            left, right = max(left, min(xs)), min(right, max(xs))
            bottom, top = max(bottom, min(ys)), min(top, max(ys))
    left, bottom = max(left, 0.0), max(bottom, 0.0)
    right, top = min(right, read.width), min(top, read.height)
    if right <= left and top <= bottom:
        return None
    if right - left >= read.width * 0.98 and top - bottom >= read.height * 0.98:
        return None
    return Box(left, bottom, right, top)


def _blocks(drawn: list[Box], read: Page) -> list[Box]:
    """The page's drawing in blocks one above the other (less than GAP apart), those big
    enough and without a word inside."""
    blocks: list[Box] = []
    for box in sorted(drawn, key=lambda b: -b.top):
        if blocks and box.top >= blocks[-1].bottom - GAP:
            blocks[-1] = blocks[-1].union(box)
        else:
            blocks.append(box)
    middles = [
        ((w.box.left + w.box.right) / 2, (w.box.bottom + w.box.top) / 2)
        for line in read.lines
        for w in line.words
    ]
    return [
        b
        for b in blocks
        if b.right - b.left >= MIN_SIZE
        and b.top - b.bottom >= MIN_SIZE
        and not any(b.holds(x, y) for x, y in middles)
    ]


def _render(page, box: Box, page_height: float):
    """The box rendered alone in grayscale, its top left corner at the bitmap's (0, 0)."""
    import math

    import numpy as np
    import pypdfium2.raw as raw

    width = max(1, math.ceil((box.right - box.left) * SCALE))
    height = max(1, math.ceil((box.top - box.bottom) * SCALE))
    bitmap = raw.FPDFBitmap_Create(width, height, 0)
    try:
        raw.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, 0xFFFFFFFF)
        matrix = raw.FS_MATRIX(
            SCALE, 0, 0, SCALE, -box.left * SCALE, -(page_height - box.top) * SCALE
        )
        clip = raw.FS_RECTF(0, 0, width, height)
        raw.FPDF_RenderPageBitmapWithMatrix(
            bitmap, page.raw, ctypes.byref(matrix), ctypes.byref(clip), 0
        )
        stride = raw.FPDFBitmap_GetStride(bitmap)
        buffer = ctypes.cast(raw.FPDFBitmap_GetBuffer(bitmap), ctypes.POINTER(ctypes.c_ubyte))
        bgrx = np.ctypeslib.as_array(buffer, shape=(height, stride))[:, : width * 4]
        return bgrx.reshape(height, width, 4)[:, :, :3].mean(axis=2).astype(np.uint8)
    finally:
        raw.FPDFBitmap_Destroy(bitmap)
