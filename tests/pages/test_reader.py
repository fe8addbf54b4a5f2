"""The page reader on small PDFs made with WeasyPrint: line-end hyphens, an editor's overlaid
digit, what never comes out of it, and figures that moved or changed."""

from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
import pytest

from reportgen.pages.figures import read_figures
from reportgen.pages.reader import read_pages
from reportgen.pages.text import comparable, sanitize

from .documents import figure_pdf, prose_pdf
from .edits import overlay

weasyprint = pytest.importorskip("weasyprint")


def _raw_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


@pytest.fixture(scope="module")
def renders() -> dict[str, bytes]:
    """The same paragraph at three widths: every line breaks elsewhere."""
    return {width: prose_pdf(width) for width in ("600px", "140px", "93px")}


def _words(pdf: bytes) -> list[str]:
    return [w for _, w in comparable([w for page in read_pages(pdf) for w in page.words])]


def test_the_words_are_the_same_at_every_line_width(renders):
    raw = {width: _raw_text(pdf) for width, pdf in renders.items()}
    # the widths do break lines after an explicit hyphen (PDFium: U+FFFE) and inside a word
    # (WeasyPrint's inserted U+2010), or the test proves nothing
    assert any("\ufffe" in text for text in raw.values())
    assert any("\u2010\r\n" in text for text in raw.values())
    words = {width: _words(pdf) for width, pdf in renders.items()}
    assert words["140px"] == words["600px"] == words["93px"]
    assert "validerings-och" in words["600px"] and "klassar" in words["600px"]


def test_nothing_unprintable_comes_out(renders):
    for pdf in renders.values():
        for page in read_pages(pdf):
            for word in page.words:
                assert word == sanitize(word)
                assert not any(unicodedata.category(c)[0] == "C" for c in word), word
                assert "\ufffe" not in word and "\u00ad" not in word


def test_a_word_split_by_the_renderer_is_joined_without_its_hyphen(renders):
    shown = [w for page in read_pages(renders["93px"]) for w in page.words]
    assert "klassificeringen" in shown or "finansieringen" in shown
    assert not any(w.endswith("\u2010") for w in shown)


def test_sanitize_keeps_what_a_font_can_draw():
    assert sanitize("a\ufffeb\x02c\x07d\u00ade") == "abcde"
    assert sanitize("\ufb01nns \ud83d\ude00 \ud800x\ue000") == "finns \U0001f600 x"
    assert sanitize("tab\there\r\nline") == "tab here line"
    assert sanitize("5\u00a0000 ±0,88 −1") == "5\u00a0000 ±0,88 −1"


TABLE = """<html lang='sv'><body style='font-size:11pt'><p>Resultat med standardparametrar</p>
<table style='width:400px'><tr><th>Modell</th><th>Validering</th><th>Test</th></tr>
<tr><td>Linjär regression</td><td>5,00</td><td>6,29</td></tr>
<tr><td>Lasso</td><td>2,77</td><td>2,78</td></tr></table>
<p>Sista raden på sidan.</p></body></html>"""


@pytest.fixture(scope="module")
def table_pdf() -> bytes:
    return weasyprint.HTML(string=TABLE).write_pdf()


def _cell(pdf: bytes, text: str):
    return next(w for page in read_pages(pdf) for line in page.lines for w in line.words
                if w.text == text)  # fmt: skip


@pytest.mark.parametrize("white", [True, False], ids=["white-box", "over-the-old"])
def test_an_overlaid_number_is_read_in_its_cell(table_pdf, white):
    box = _cell(table_pdf, "6,29").box
    edited = overlay(table_pdf, 1, box, "9,99", white=white)
    # PDFium's own text has it last, after the page's last line: where the stream has it
    assert _raw_text(edited).rstrip().endswith("9,99")
    page = read_pages(edited)[0]
    row = next(line for line in page.lines if line.words[0].text == "Linjär")
    assert [c.text for c in row.cells()] == ["Linjär regression", "5,00", "9,99"]
    assert "6,29" not in page.words
    assert [c.text for c in page.cells_in(box)] == ["9,99"]  # the cell's box holds the new text
    assert page.lines[-1].text == "Sista raden på sidan."


def test_a_table_is_read_row_by_row(table_pdf):
    lines = [line.text for line in read_pages(table_pdf)[0].lines]
    assert "Linjär regression 5,00 6,29" in lines and "Lasso 2,77 2,78" in lines


def test_a_figure_moved_by_the_layout_is_the_same_and_a_changed_one_is_not():
    base = figure_pdf("400px")
    moved = figure_pdf("250px", size="10.3pt")  # moved by a fraction of a point
    changed = figure_pdf("400px", third_bar=53)  # one bar 1.8 points higher
    a, b, c = (read_figures(pdf, read_pages(pdf)) for pdf in (base, moved, changed))
    assert len(a) == len(b) == len(c) == 1
    assert a[0].box.top != b[0].box.top
    assert a[0].same_as(b[0]) and a[0].difference(b[0]) == 0.0
    assert not a[0].same_as(c[0])
