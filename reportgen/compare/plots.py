"""Small multiples of each score over the runs, as inline SVG written directly (no plotting
library, so 200 runs take milliseconds): a panel per model and metric, a dot per run (tuned
filled, default hollow), the runs ordered by the key that differs. Each panel is a figure with
a caption, and the SVG has a title and a description (its alt text) that say what it shows.
"""

from __future__ import annotations

import html
from typing import Any

from ..numbers import metric
from .many import Comparison
from .noise import close

WIDTH, HEIGHT = 300, 140
LEFT, RIGHT, TOP, BOTTOM = 58, 10, 10, 26
STYLE = "\n".join(
    [
        ".panels{display:flex;flex-wrap:wrap;gap:.5em 1.5em}",
        ".panels figure{margin:0}",
        ".panels figcaption{font-size:.85em;max-width:300px}",
        "svg.panel text{font:10px DejaVu Sans,Arial,sans-serif;fill:#333}",
        "svg.panel .tuned{fill:#542788}",
        "svg.panel .default{fill:none;stroke:#e08214;stroke-width:1.2}",
        "svg.panel .axis{stroke:#999;stroke-width:1}",
    ]
)


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _series(c: Comparison, key: str) -> list[tuple[int, float]]:
    return [
        (pos, c.values[i][key]) for pos, i in enumerate(c.order) if c.values[i].get(key) is not None
    ]


def _extreme(c: Comparison, points: list[tuple[int, float]], name: str, high: bool) -> str:
    pos, value = (max if high else min)(points, key=lambda p: p[1])
    return f"{metric(name, value, 'en', 'diff')} ({c.runs[c.order[pos]].name})"


def panel(c: Comparison, model: str, name: str, index: int) -> str:
    """One figure: `model`'s test `name` (a metric) over the runs."""
    e = html.escape
    tuned = _series(c, f"{model}.tuned.{name}")
    default = _series(c, f"{model}.default.{name}")
    every = [v for _, v in tuned + default]
    if not every:
        return ""
    low, high = min(every), max(every)
    if close(low, high):  # equal but for noise: the dots in the middle of a 2 % axis
        middle = (low + high) / 2
        low, high = middle - abs(middle) * 0.01 - 1e-9, middle + abs(middle) * 0.01 + 1e-9
    n = len(c.runs)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(pos: int) -> str:
        return _fmt(LEFT + (inner_w * (pos + 0.5) / n))

    def y(value: float) -> str:
        return _fmt(TOP + inner_h * (high - value) / (high - low))

    label = c.runs[0].results.models[model].name
    order = f"ordered by {c.order_by}" if c.order_by else "in the order given"
    better = "lower is better" if name == "rmse" else "higher is better"
    title = f"{label}: test {name.replace('_', ' ')} over {n} runs ({better})"
    desc = (
        f"A dot per run, {order}. Tuned: lowest {_extreme(c, tuned, name, False)}, "
        f"highest {_extreme(c, tuned, name, True)}."
        if tuned
        else ""
    )
    if default:
        desc += f" Default (hollow): lowest {_extreme(c, default, name, False)}, highest "
        desc += f"{_extreme(c, default, name, True)}."
    parts = [
        f"<svg class='panel' role='img' width='{WIDTH}' height='{HEIGHT}' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' aria-labelledby='p{index}t p{index}d'>",
        f"<title id='p{index}t'>{e(title)}</title><desc id='p{index}d'>{e(desc)}</desc>",
        f"<line class='axis' x1='{LEFT}' y1='{TOP}' x2='{LEFT}' y2='{TOP + inner_h}'/>",
        f"<line class='axis' x1='{LEFT}' y1='{TOP + inner_h}' x2='{WIDTH - RIGHT}' "
        f"y2='{TOP + inner_h}'/>",
        f"<text x='{LEFT - 4}' y='{TOP + 4}' text-anchor='end'>"
        f"{e(metric(name, high, 'en', 'diff'))}</text>",
        f"<text x='{LEFT - 4}' y='{TOP + inner_h}' text-anchor='end'>"
        f"{e(metric(name, low, 'en', 'diff'))}</text>",
    ]
    parts += _x_labels(c, inner_h)
    radius = 3.0 if n <= 40 else 2.0
    for css, points in (("default", default), ("tuned", tuned)):
        for pos, value in points:
            who = c.runs[c.order[pos]].name
            tip = f"{who}, {css}: {metric(name, value, 'en', 'diff')}"
            parts.append(
                f"<circle class='{css}' cx='{x(pos)}' cy='{y(value)}' r='{radius}'>"
                f"<title>{e(tip)}</title></circle>"
            )
    parts.append("</svg>")
    caption = f"{title}; filled: tuned, hollow: default."
    return f"<figure>{''.join(parts)}<figcaption>{e(caption)}</figcaption></figure>"


def _x_labels(c: Comparison, inner_h: int) -> list[str]:
    """The first and last run's value of the ordering key (or their names) under the axis."""
    e = html.escape

    def label(i: int) -> str:
        value: Any = c.values[i].get(c.order_by) if c.order_by else None
        return f"{c.order_by.rsplit('.', 1)[-1]}={value}" if c.order_by else c.runs[i].name

    y = TOP + inner_h + 14
    first, last = label(c.order[0]), label(c.order[-1])
    return [
        f"<text x='{LEFT}' y='{y}'>{e(first[:24])}</text>",
        f"<text x='{WIDTH - RIGHT}' y='{y}' text-anchor='end'>{e(last[:24])}</text>",
    ]


def small_multiples(c: Comparison) -> str:
    """Every model's every test metric, a panel each, in the models' order."""
    figures = []
    names: list[tuple[str, str]] = []
    for col in c.columns:
        if col.group == "score" and (col.model, col.metric) not in names:
            names.append((col.model, col.metric))
    for index, (model, name) in enumerate(names):
        figures.append(panel(c, model, name, index))
    return f"<div class='panels'>{''.join(figures)}</div>"
