"""A structured diff of two runs as text (100 columns), Markdown, JSON or a standalone HTML page.

Each part of a diff that is a table (data set, config, library versions, metrics, best
parameters, confusion-matrix cells) is a tables.Table, rendered by that format's renderer; the
warnings and the report's text are lines of a unified diff.
"""

from __future__ import annotations

import html
from typing import Any

from .. import tables
from ..numbers import pair, params
from ..tables import Cell, Column, Table
from . import confusion
from .diff import any_worse, has_differences, to_json

WIDTH = 100
CELL_WIDTH = 40


def summary(diff: dict[str, Any]) -> str:
    """One line: how many metrics got better and worse, or that nothing differs."""
    if not has_differences(diff):
        return "no differences" + (
            f" beyond tolerance {diff['tolerance']}" if diff["tolerance"] else ""
        )
    better = sum(m["verdict"] == "better" for m in diff["metrics"])
    worse = sum(m["verdict"] == "worse" for m in diff["metrics"])
    return f"differences found: {better} metric(s) better, {worse} worse"


def findings(diff: dict[str, Any]) -> list[set[str]]:
    """What the diff shows, for errors.exit_code: "any" when something differs, "worse" when a
    metric got worse."""
    found = {"any"} if has_differences(diff) else set()
    return [found | {"worse"} if any_worse(diff) else found]


def _numbers(m: dict[str, Any]) -> tuple[str, str, Cell]:
    """A metric's old and new values and its delta (coloured by its verdict), as numbers.py
    writes them for a diff."""
    old, new, delta = pair(m["metric"], m["old"], m["new"], "en", "diff")
    return old, new, Cell(delta, css=m["verdict"])


def _sections(diff: dict[str, Any]) -> list[tuple[str, Table | None, list[str]]]:
    """(title, table or None, free lines) for each non-empty part."""
    out: list[tuple[str, Table | None, list[str]]] = []
    for part, title in (
        ("dataset", "Data set"),
        ("config", "Config"),
        ("environment", "Library versions"),
    ):
        if diff[part]:
            columns = (Column("key"), Column("old"), Column("new"))
            rows = tuple((c["key"], str(c["old"]), str(c["new"])) for c in diff[part])
            out.append((title, Table(columns, rows), []))
    if diff["metrics"]:
        names = ("model", "phase", "split", "metric")
        columns = (
            *(Column(n) for n in names),
            *(Column(n, align="right") for n in ("old", "new", "delta")),
            Column("verdict"),
        )
        rows = tuple(
            (
                *(m[k] for k in ("name", "phase", "split", "metric")),
                *_numbers(m),
                Cell(m["verdict"], css=m["verdict"]),
            )
            for m in diff["metrics"]
        )
        out.append(("Metrics", Table(columns, rows), []))
    if diff["best_params"]:
        columns = (Column("model"), Column("old best"), Column("new best"))
        rows = tuple((p["name"], params(p["old"]), params(p["new"])) for p in diff["best_params"])
        out.append(("Best parameters", Table(columns, rows), []))
    if diff["confusion"]:
        columns = (
            Column("model"),
            Column("phase"),
            *(Column(n, align="right") for n in ("true", "predicted", "old", "new", "delta")),
        )
        rows = tuple(
            (c["name"], c["phase"], *(str(x[k]) for k in ("true", "pred", "old", "new")),
             f"{x['delta']:+d}")
            for c in diff["confusion"]
            for x in c["cells"]
        )  # fmt: skip
        out.append(("Confusion-matrix cells", Table(columns, rows), []))
    w = diff["warnings"]
    if w["added"] or w["removed"]:
        lines = [f"+ {x['model']} ({x['phase']}): {x['message']}" for x in w["added"]]
        lines += [f"- {x['model']} ({x['phase']}): {x['message']}" for x in w["removed"]]
        out.append(("Warnings", None, lines))
    if diff["text"]:
        out.append(("Report text", None, diff["text"]))
    return out


def to_text(diff: dict[str, Any]) -> str:
    """Plain text that fits a 100-column terminal."""
    cut = lambda s: tables.cut(s, WIDTH)  # noqa: E731
    lines = [cut(f"A: {diff['a']}"), cut(f"B: {diff['b']}"), summary(diff)]
    for title, table, free in _sections(diff):
        lines += ["", title, "-" * len(title)]
        if table:
            lines += tables.to_text(table, CELL_WIDTH, WIDTH).splitlines()
        lines += [cut(x) for x in free]
    return "\n".join(lines) + "\n"


def to_markdown(diff: dict[str, Any]) -> str:
    """GitHub-flavoured Markdown: a table per part, the text diff fenced."""
    lines = [f"**A:** `{diff['a']}`  ", f"**B:** `{diff['b']}`", "", f"_{summary(diff)}_"]
    for title, table, free in _sections(diff):
        lines += ["", f"### {title}", ""]
        if table:
            lines += tables.to_markdown(table).splitlines()
        if free:
            lines += ["```diff", *free, "```"]
    return "\n".join(lines) + "\n"


def html_body(diff: dict[str, Any]) -> str:
    """The HTML page's body: coloured verdicts and deltas (a verdict is always a word too)."""
    e = html.escape
    parts = [
        f"<h1>reportgen diff</h1><p>A: <code>{e(diff['a'])}</code><br>"
        f"B: <code>{e(diff['b'])}</code></p><p class='summary'>{e(summary(diff))}</p>",
    ]
    for title, table, free in _sections(diff):
        parts.append(f"<h2>{e(title)}</h2>")
        if table:
            parts.append(tables.to_html(table))
        if free:
            kinds = {"+": "add", "-": "del"}
            spans = [f"<span class='{kinds.get(x[:1], '')}'>{e(x)}</span>" for x in free]
            parts.append("<pre>" + "\n".join(spans) + "</pre>")
        if title == "Confusion-matrix cells":
            parts.append(heatmaps(diff))
    return "\n".join(parts)


def heatmaps(diff: dict[str, Any]) -> str:
    """Each changed confusion matrix as a heatmap of B minus A (confusion.py's, as compare's)."""
    maps = []
    for row in diff["confusion"]:
        d = confusion.delta(row["old_matrix"], row["new_matrix"])
        largest = max(abs(x) for line in d.cells for x in line)
        caption = f"{row['name']} ({row['phase']}, test): B minus A; {confusion.caption_sums(d)}."
        key = f"{row['model']}:{row['phase']}"
        maps.append(confusion.legend(largest) + confusion.heatmap(d, caption, largest, key))
    return f"<div class='heats'>{''.join(maps)}</div>"


def to_html(diff: dict[str, Any]) -> str:
    """A standalone page (html_body, the stylesheet inlined)."""
    return tables.html_page("reportgen diff", html_body(diff), style=confusion.STYLE)


# the columns of a part's table that hold its values (the others name the row), and their CSV names
VALUE_OF = {"old": "old", "old best": "old", "new": "new", "new best": "new"}
VALUE_OF |= {"delta": "delta", "verdict": "verdict"}
VALUE_NAMES = ("old", "new", "delta", "verdict")
CSV_COLUMNS = (Column("part"), Column("item"), *(Column(n) for n in VALUE_NAMES))


def to_csv(diff: dict[str, Any]) -> str:
    """A row per difference: its part, what it is (the key, or `column=value` of the columns
    that name it), old, new, delta and verdict where the part has them; a warning or a line of
    the report's text that is gone is an old value, one that came a new value."""
    rows = []
    for title, table, free in _sections(diff):
        for row in table.cells() if table else []:
            named = [(c.name, x.text) for c, x in zip(table.columns, row, strict=True)]
            values = {VALUE_OF[n]: text for n, text in named if n in VALUE_OF}
            item = [(n, text) for n, text in named if n not in VALUE_OF]
            what = item[0][1] if len(item) == 1 else ", ".join(f"{n}={t}" for n, t in item)
            rows.append((title, what, *(values.get(k, "") for k in VALUE_NAMES)))
        for line in free:
            if line[:1] in ("+", "-") and line[:3] not in ("+++", "---"):
                gone = line.startswith("-")
                text = line[1:].strip()
                rows.append((title, "", text if gone else "", "" if gone else text, "", ""))
    return tables.to_csv(Table(CSV_COLUMNS, tuple(rows)))


FORMATS = {
    "text": to_text,
    "markdown": to_markdown,
    "json": to_json,
    "html": to_html,
    "csv": to_csv,
}
