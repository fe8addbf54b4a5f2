"""Small PDFs made with WeasyPrint for the page reader's tests: a paragraph whose lines break
where the width says, and a paragraph above a bar chart (the chart moves with the paragraph)."""

from __future__ import annotations

import base64

import pytest

weasyprint = pytest.importorskip("weasyprint")

PROSE = (
    "Skalaren tillämpades sedan oförändrad på validerings- och testdelen, så att ett "
    "Python-program och klassificeringen fungerar; modellen klassar bilderna rätt, och "
    "finansieringen flödar effektivt genom konfigurationsfilen (se https://example.org/mnist/)."
)


def prose_pdf(width: str, size: str = "11pt") -> bytes:
    html = (
        f"<html lang='sv'><body style='font-size:{size}'><p style='width:{width};"
        f"hyphens:auto'>{PROSE}</p></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def _svg(third_bar: int) -> str:
    bars = "".join(
        f'<rect x="{20 + i * 40}" y="{150 - h}" width="30" height="{h}" fill="#4477aa"/>'
        for i, h in enumerate([80, 120, third_bar, 100])
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="160" viewBox="0 0 200 160">'
        '<line x1="10" y1="150" x2="190" y2="150" stroke="black"/>'
        '<polyline points="20,100 60,60 100,90 140,40 180,70" fill="none" stroke="#cc3311"/>'
        f"{bars}</svg>"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def figure_pdf(width: str, third_bar: int = 50, size: str = "11pt", word: str = "väl") -> bytes:
    """A paragraph (at `width`: the figure below it moves) and a bar chart."""
    text = f"Modellen klassar bilderna rätt, och klassificeringen fungerar {word}. " * 3
    html = (
        f"<html lang='sv'><body style='font-size:{size}'><p style='width:{width};hyphens:auto'>"
        f"{text}</p><figure><img src='{_svg(third_bar)}' style='width:200pt'></figure>"
        "<p>Figur 1. Fyra staplar.</p></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()
