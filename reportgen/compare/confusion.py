"""What changed in a confusion matrix: run minus baseline, cell by cell, as plain data and as an
HTML heatmap (a table of coloured cells, each with its count: readable text, no image).

The colour scale diverges around zero: purple for a cell that holds more digits than in the
baseline, orange for fewer, white for none, in LEVELS steps each way up to the largest change of
the classifier over all runs (one scale, so the heatmaps of a page compare). The colours repeat
the signed count written in each cell; the caption sums the diagonal (correct answers gained)
and the rest (errors gained).
"""

from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass

from ..numbers import integer
from ..report.heatmap import heatmap as blues
from ..report.heatmap import text_on

Matrix = list[list[int]]
LEVELS = 5
# ColorBrewer's PuOr (11 classes, colour-blind safe): fewer (orange) ... none ... more (purple)
FEWER = ("#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08")
MORE = ("#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b")
NONE, NONE_TEXT = "#f7f7f7", "#595959"  # an unchanged cell: its 0 quieter, still 4.5:1 or more


def _cell(css: str, background: str, text: str) -> str:
    return f"table.heat td.{css}{{background:{background};color:{text}}}"


# each count black or white, whichever contrasts more with its colour (report/heatmap.py's rule)
STYLE = "\n".join(
    [
        "table.heat{font-size:.8em;margin:.3em 0 1em}",
        "table.heat td,table.heat th{padding:.15em .35em;text-align:right;min-width:2.2em}",
        "table.heat caption{font-weight:normal;max-width:30em}",
        "p.scale{font-size:.85em;margin:.2em 0}",
        "table.heat td.diag{outline:2px solid #222;outline-offset:-2px}",
        _cell("h0", NONE, NONE_TEXT),
        *(_cell(f"hm{i + 1}", c, text_on(c)) for i, c in enumerate(FEWER)),
        *(_cell(f"hp{i + 1}", c, text_on(c)) for i, c in enumerate(MORE)),
        "table.heat.small{font-size:.6em}",
        "table.heat.small td,table.heat.small th{min-width:1.6em;padding:.1em .2em}",
        ".heats{display:flex;flex-wrap:wrap;gap:0 1.5em;align-items:flex-start}",
    ]
)


@dataclass(frozen=True)
class Delta:
    """Matrix B minus matrix A, with its sums: `diagonal` (correct answers gained; negative:
    lost) and `off_diagonal` (errors gained; negative: fewer errors)."""

    cells: Matrix
    diagonal: int
    off_diagonal: int


def delta(a: Matrix, b: Matrix) -> Delta:
    """`b` minus `a`, cell by cell, and the sums of its diagonal and of the rest."""
    if len(a) != len(b) or any(len(x) != len(y) for x, y in zip(a, b, strict=True)):
        raise ValueError("the two confusion matrices differ in shape")
    cells = [[y - x for x, y in zip(ra, rb, strict=True)] for ra, rb in zip(a, b, strict=True)]
    diagonal = sum(cells[i][i] for i in range(len(cells)))
    total = sum(sum(row) for row in cells)
    return Delta(cells, diagonal, total - diagonal)


@functools.cache
def signed(n: int) -> str:
    """A change of a count: '+3', '−2' (a true minus, as numbers.py writes it), '0'. Cached:
    a page of 200 runs writes some 50,000 cells, of few distinct values."""
    return ("+" if n > 0 else "") + integer(n, "en").replace("-", "−")


def caption_sums(d: Delta) -> str:
    """The caption's sums: what the diagonal and the rest gained or lost."""
    return (
        f"correct answers (diagonal) {signed(d.diagonal)}, "
        f"errors (off the diagonal) {signed(d.off_diagonal)}"
    )


def level(n: int, largest: int) -> str:
    """The CSS class of a change `n` on a scale up to `largest`: h0, hp1..hp5 or hm1..hm5."""
    if n == 0 or largest <= 0:
        return "h0"
    step = min(LEVELS, math.ceil(LEVELS * abs(n) / largest))
    return f"h{'p' if n > 0 else 'm'}{step}"


def heatmap(d: Delta, caption: str, largest: int, key: str = "") -> str:
    """The change as an HTML table: a row per true digit, a column per predicted digit, each
    cell its signed count and its colour; `largest`: the top of the scale; `key` names the
    table (data-heatmap) for a reader or a test."""
    e = html.escape
    n = len(d.cells)
    head = "<th scope='col'>true \\ predicted</th>" + "".join(
        f"<th scope='col'>{j}</th>" for j in range(n)
    )
    rows = []
    for i, row in enumerate(d.cells):
        tds = []
        for j, x in enumerate(row):
            css = level(x, largest) + (" diag" if i == j else "")
            tds.append(f"<td class='{css}' data-true='{i}' data-pred='{j}'>{signed(x)}</td>")
        rows.append(f"<tr><th scope='row'>{i}</th>{''.join(tds)}</tr>")
    return (
        f"<table class='heat' data-heatmap='{e(key)}'><caption>{e(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def legend(largest: int) -> str:
    """The scale as a one-row table: its steps from the most fewer to the most more."""
    if largest <= 0:
        return "<p>No cell changed in any run.</p>"
    # the changes of level k: above largest x (k - 1) / LEVELS, up to largest x k / LEVELS; a
    # level no whole number falls in (a scale up to less than LEVELS) is left out
    tops = {k: largest * k // LEVELS for k in range(LEVELS + 1)}
    used = [k for k in range(1, LEVELS + 1) if tops[k] > tops[k - 1]]
    steps = [(f"hm{k}", f"−{tops[k]}") for k in reversed(used)]
    steps += [("h0", "0")] + [(f"hp{k}", f"+{tops[k]}") for k in used]
    cells = "".join(f"<td class='{c}'>{t}</td>" for c, t in steps)
    return (
        "<p class='scale'>A cell's change in digits against the baseline: each colour up to "
        "the number it shows (fewer: orange, more: purple); the diagonal framed.</p>"
        "<table class='heat legend'><caption>Colour scale (change in digits)</caption>"
        f"<tbody><tr>{cells}</tr></tbody></table>"
    )


def small_matrix(m: Matrix, caption: str) -> str:
    """A confusion matrix, small, coloured as the report colours it (report/heatmap.py: Blues
    from its smallest to its largest count, each count black or white), the diagonal framed."""
    e = html.escape
    rows = []
    for row in blues(m)["rows"]:
        tds = []
        for c in row["cells"]:
            diag = " class='diag'" if c["hit"] else ""
            tds.append(f"<td{diag} style='background:{c['bg']};color:{c['fg']}'>{c['value']}</td>")
        rows.append(f"<tr><th scope='row'>{row['label']}</th>{''.join(tds)}</tr>")
    head = "<th scope='col'></th>" + "".join(f"<th scope='col'>{j}</th>" for j in range(len(m)))
    return (
        f"<table class='heat small'><caption>{e(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
