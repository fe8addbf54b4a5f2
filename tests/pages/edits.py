"""A PDF edited as a PDF editor edits it: a white box over what was there, new text appended
to the page's content stream (pikepdf), so the new text comes last in the stream."""

from __future__ import annotations

import io

import pytest

from reportgen.pages.reader import Box

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf is not installed (the dev extras)")


def overlay(pdf: bytes, page: int, box: Box, text: str, white: bool = True) -> bytes:
    """`pdf` with `text` (Helvetica, as wide as the box) drawn over `box` on page `page` (from 1),
    after a white box that hides what was there (`white`)."""
    doc = pikepdf.open(io.BytesIO(pdf))
    target = doc.pages[page - 1]
    if "/Resources" not in target.obj:
        target.obj["/Resources"] = pikepdf.Dictionary()
    resources = target.obj["/Resources"]
    if "/Font" not in resources:
        resources["/Font"] = pikepdf.Dictionary()
    fonts = resources["/Font"]
    fonts["/FEdit"] = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    # as wide as what it replaces (Helvetica's widths, in em), as an editor lines it up
    widths = {",": 0.278, ".": 0.278, " ": 0.278, "%": 0.889, "-": 0.333}
    size = (box.right - box.left) / sum(widths.get(c, 0.556) for c in text)
    paint = (
        f"q 1 1 1 rg {box.left:.2f} {box.bottom:.2f} {box.right - box.left:.2f} "
        f"{box.top - box.bottom:.2f} re f Q\n"
        if white
        else ""
    )
    baseline = box.bottom + (box.top - box.bottom) * 0.22
    # the page's own content wrapped in q ... Q (its transformation ends there), as editors do
    target.contents_add(pikepdf.Stream(doc, b"q\n"), prepend=True)
    run = f"BT /FEdit {size:.2f} Tf {box.left:.2f} {baseline:.2f} Td ({text}) Tj ET"
    stream = f"Q\n{paint}q {run} Q"
    target.contents_add(pikepdf.Stream(doc, stream.encode("latin-1")), prepend=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
