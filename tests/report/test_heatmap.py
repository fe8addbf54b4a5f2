"""Confusion matrices as tables: every count readable text, colours that read."""

from __future__ import annotations

import re

import pytest

from reportgen.report.heatmap import BLUES, DARK, LIGHT, contrast, heatmap, shade, text_on
from reportgen.report.html import render_html


def test_the_cells_are_the_matrix_with_its_diagonal_marked():
    matrix = [[5, 1, 0], [2, 7, 1], [0, 0, 9]]
    hm = heatmap(matrix)
    assert [[c["value"] for c in r["cells"]] for r in hm["rows"]] == matrix
    assert [[c["hit"] for c in r["cells"]] for r in hm["rows"]] == [
        [True, False, False],
        [False, True, False],
        [False, False, True],
    ]
    assert hm["labels"] == [0, 1, 2] and [r["label"] for r in hm["rows"]] == [0, 1, 2]


def test_the_scale_runs_from_the_smallest_to_the_largest_count():
    hm = heatmap([[0, 3], [6, 12]])
    shades = [c["bg"] for r in hm["rows"] for c in r["cells"]]
    assert shades[0] == BLUES[0] and shades[-1] == BLUES[-1]
    assert shade(0.5) == BLUES[4]  # the middle anchor of nine
    assert len(set(shades)) == 4
    assert heatmap([[4, 4], [4, 4]])["rows"][0]["cells"][0]["bg"] == BLUES[0]  # no span


@pytest.mark.parametrize("t", [i / 200 for i in range(201)])
def test_every_count_has_contrast_4_5_on_its_cell(t):
    background = shade(t)
    assert text_on(background) in (DARK, LIGHT)
    assert contrast(text_on(background), background) >= 4.5, (t, background)


def test_the_report_writes_every_count_of_every_matrix(results):
    html = render_html(results)
    mlp, logreg = results.models["mlp"], results.models["logreg"]
    for name, matrix in (
        ("confusion_mlp_default", mlp.default.confusion_matrix),
        ("confusion_logreg_default", logreg.default.confusion_matrix),
        ("mlp_before", mlp.default.confusion_matrix),
        ("mlp_after", mlp.tuned.confusion_matrix),
    ):
        table = re.search(rf'<table id="fig-{name}" class="confusion">(.*?)</table>', html, re.S)
        assert table, name
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", table.group(1))
        assert [int(c.replace("\u00a0", "")) for c in cells] == [v for r in matrix for v in r]
