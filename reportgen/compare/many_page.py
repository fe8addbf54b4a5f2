"""A comparison of many runs as one standalone HTML page: nothing loaded from outside, tables
with captions (the runs' table sortable by a click on a heading), the small multiples as
inline SVG with alt text, each classifier's confusion change as a heatmap table, and the
matrices small and side by side for up to SIDE_BY_SIDE runs.
"""

from __future__ import annotations

import html

from .. import tables
from . import confusion
from .many import Comparison
from .many_formats import BEST, confusion_table, headline, table
from .plots import STYLE as PLOT_STYLE
from .plots import small_multiples

SIDE_BY_SIDE = 12  # the most runs whose matrices are shown side by side, heatmaps open
STYLE = "\n".join(
    [
        confusion.STYLE,
        PLOT_STYLE,
        "body{max-width:none;margin:1.5em}",
        ".wide{overflow-x:auto;max-height:40em;overflow-y:auto}",
        ".wide td{white-space:nowrap}",
        ".wide thead th{position:sticky;top:0;z-index:1}",
        ".wide tbody td:first-child{position:sticky;left:0;background:#fff}",
        ".wide thead th:first-child{left:0;z-index:2}",
        "td.best{font-weight:bold}",
        "details{margin:.2em 0}summary{cursor:pointer}",
    ]
)


def heatmaps(c: Comparison, key: str) -> str:
    """A classifier's section: the scale, each run's change against the baseline (open for up
    to SIDE_BY_SIDE runs, else a line of sums each that opens to its heatmap), and the
    matrices side by side."""
    e = html.escape
    base = c.runs[c.baseline]
    label = base.results.models[key].name
    largest = c.largest[key]
    parts = [f"<h3>{e(label)}</h3>", confusion.legend(largest)]
    few = len(c.runs) <= SIDE_BY_SIDE
    maps = []
    moved = [sum(abs(x) for row in d.cells for x in row) for d in c.deltas[key]]
    widest = max(range(len(moved)), key=lambda i: (moved[i], -i))  # opens among many
    for i in c.order:
        if i == c.baseline:
            continue
        d = c.deltas[key][i]
        name = c.runs[i].name
        sums = confusion.caption_sums(d)
        caption = f"{label} (tuned, test): {name} minus {base.name}; {sums}."
        table_html = confusion.heatmap(d, caption, largest, f"{key}:{name}")
        if few:
            maps.append(table_html)
        else:
            opened = " open" if i == widest else ""
            summary = f"<summary>{e(name)}: {e(sums)}</summary>"
            maps.append(f"<details{opened}>{summary}{table_html}</details>")
    if few:
        parts.append(f"<div class='heats'>{''.join(maps)}</div>")
    else:
        parts.append(
            f"<p>A line per run (the one that moved most cells open); open a line for its "
            f"heatmap.</p><div class='wide'>{''.join(maps)}</div>"
        )
    if few:
        small = [
            confusion.small_matrix(
                r.results.models[key].tuned.confusion_matrix or [],
                f"{r.name}{' (baseline)' if i == c.baseline else ''}",
            )
            for i, r in ((i, c.runs[i]) for i in c.order)
            if key in r.results.models
        ]
        parts.append(f"<h4>The matrices side by side ({label}, tuned, test)</h4>")
        parts.append(f"<div class='heats'>{''.join(small)}</div>")
    else:
        parts.append(
            f"<p>The matrices side by side are shown for up to {SIDE_BY_SIDE} runs; "
            f"these are {len(c.runs)}.</p>"
        )
    return "".join(parts)


def to_html(c: Comparison, problems: list[str] | None = None) -> str:
    """The standalone page."""
    e = html.escape
    caption = (
        f"A row per run; {BEST} marks the best value of each score (test split). "
        "Click a heading to sort."
    )
    parts = [
        f"<h1>reportgen compare: {len(c.runs)} runs</h1>",
        f"<p class='summary'>{e(headline(c))}</p>",
    ]
    if problems:
        items = "".join(f"<li>{e(p)}</li>" for p in problems)
        parts.append(f"<p>Not read:</p><ul>{items}</ul>")
    parts += [
        "<h2>Runs</h2>",
        f"<div class='wide' data-runs>{tables.to_html(table(c, caption))}</div>",
        "<h2>Test scores over the runs</h2>",
        small_multiples(c),
    ]
    if c.deltas:
        parts.append("<h2>Confusion matrices: each run minus the baseline</h2>")
        parts.append(f"<div class='wide'>{tables.to_html(confusion_table(c))}</div>")
        parts += [heatmaps(c, key) for key in c.classifiers]
    return tables.html_page("reportgen compare", "\n".join(parts), sortable=True, style=STYLE)
