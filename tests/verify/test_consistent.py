"""Where the render stack differs, integrity compares what a reader sees: the same words,
numbers and figures are `consistent`, never `tampered` for a line break; any changed word,
number or figure is still `tampered`. Another render stack is played by WeasyPrint with another
font size or line width (other line breaks, the figure moved)."""

from __future__ import annotations

import pytest

from reportgen.verify.integrity import judge

from ..pages.documents import figure_pdf, prose_pdf

pytest.importorskip("weasyprint")

STACK = ["weasyprint 68.1 -> 70.0"]


@pytest.fixture(scope="module")
def built() -> bytes:
    """What the build rendered (the submission's PDF)."""
    return figure_pdf("400px")


def test_other_line_breaks_and_a_moved_figure_are_consistent(built):
    regenerated = figure_pdf("250px", size="10.3pt")
    assert regenerated != built
    integrity = judge(built, regenerated, STACK)
    assert integrity.status == "consistent", integrity.changes
    (reason,) = integrity.details
    assert reason.startswith("the render stack differs: weasyprint 68.1 -> 70.0; every page's")
    assert "every figure (1) are the same" in reason and "bytes" in reason
    assert integrity.environment == STACK and not integrity.changes


def test_a_line_break_after_a_hyphen_is_consistent():
    """The issue's student: 'validerings- och' on one line here, broken after the hyphen there
    (PDFium's U+FFFE), and a word WeasyPrint hyphenated (U+2010) at another width."""
    integrity = judge(prose_pdf("600px"), prose_pdf("93px"), STACK)
    assert integrity.status == "consistent", integrity.changes


def test_a_changed_word_is_tampered(built):
    regenerated = figure_pdf("250px", size="10.3pt", word="dåligt")
    integrity = judge(built, regenerated, STACK)
    assert integrity.status == "tampered"
    assert any("dåligt" in c["before"] and "väl" in c["after"] for c in integrity.changes)


def test_a_changed_figure_is_tampered(built):
    regenerated = figure_pdf("250px", third_bar=53, size="10.3pt")
    integrity = judge(built, regenerated, STACK)
    assert integrity.status == "tampered"
    assert "a figure is not" in integrity.details[0]
    assert integrity.changes[0]["page"] == 1 and "figure 1" in integrity.changes[0]["after"]


def test_the_same_environment_still_compares_bytes(built):
    """No difference in the environment: other bytes with the same words are tampering."""
    integrity = judge(built, figure_pdf("250px", size="10.3pt"), [])
    assert integrity.status == "tampered" and "bytes differ" in integrity.details[0]
    assert judge(built, built, []).status == "byte-identical"
