"""A comparison of many runs as a table (tables.Table) and as text, Markdown, JSON and CSV; the
HTML page is many_page.py's.

A row per run, its name first, then the columns shown (only those that differ unless --all);
the best value of each score marked with BEST (and bold in HTML); CSV holds the raw values.
"""

from __future__ import annotations

import json
from typing import Any

from .. import tables
from ..tables import Cell, Table
from .confusion import signed
from .many import Comparison, text_of
from .noise import close

BEST = "★"
WIDTH = 100
CELL_WIDTH = 80


def table(c: Comparison, caption: str = "") -> Table:
    """The runs' table: a row per run (in the order given), the baseline marked."""
    columns = [tables.Column("run", key="run")]
    for col in c.shown:
        align = "right" if col.group == "score" else "left"
        columns.append(tables.Column(col.heading, key=col.key, align=align))
    rows = []
    for i, named in enumerate(c.runs):
        name = named.name + (" (baseline)" if i == c.baseline else "")
        cells: list[Cell | str] = [Cell(name, value=named.name, sort=named.name)]
        for col in c.shown:
            raw = c.values[i].get(col.key)
            text = text_of(col, raw)
            if col.group == "score" and raw is not None:
                best = col.key in c.best and close(raw, c.best[col.key])
                value = repr(raw)
                shown = f"{text} {BEST}" if best else text
                cells.append(Cell(shown, "best" if best else "", value=value, sort=value))
            else:
                cells.append(Cell(text, value=json.dumps(raw) if isinstance(raw, dict) else None))
        rows.append(tuple(cells))
    return Table(tuple(columns), tuple(rows), caption, sortable=True)


def confusion_table(c: Comparison) -> Table:
    """Each classifier's confusion change against the baseline, a row per run: the sums of the
    diagonal (correct answers) and of the rest (errors)."""
    columns = (
        tables.Column("classifier"),
        tables.Column("run"),
        tables.Column("correct (diagonal)", key="diagonal", align="right"),
        tables.Column("errors (off the diagonal)", key="off_diagonal", align="right"),
    )
    rows = []
    for key, deltas in c.deltas.items():
        for i, d in enumerate(deltas):
            if i != c.baseline:
                sums = (Cell(signed(n), sort=str(n)) for n in (d.diagonal, d.off_diagonal))
                rows.append((key, c.runs[i].name, *sums))
    caption = f"Tuned confusion matrices, each run minus the baseline {c.runs[c.baseline].name}"
    return Table(columns, tuple(rows), caption, sortable=True)


def headline(c: Comparison) -> str:
    hidden = len(c.columns) - len(c.shown)
    what = f"{len(c.shown)} column(s) that differ, {hidden} the same (--all shows them)"
    if hidden == 0:
        what = f"all {len(c.shown)} column(s)"
    return f"{len(c.runs)} runs, baseline {c.runs[c.baseline].name}: {what}"


def to_text(c: Comparison) -> str:
    """Plain text: the runs' table, then the confusion sums."""
    lines = [headline(c), ""]
    lines += tables.to_text(table(c), CELL_WIDTH).splitlines()
    if c.deltas:
        lines += [""] + tables.to_text(confusion_table(c), CELL_WIDTH, WIDTH).splitlines()
    return "\n".join(lines) + "\n"


def to_markdown(c: Comparison) -> str:
    """GitHub-flavoured Markdown: the runs' table, then the confusion sums."""
    lines = [f"_{headline(c)}_", ""] + tables.to_markdown(table(c)).splitlines()
    if c.deltas:
        lines += [""] + tables.to_markdown(confusion_table(c)).splitlines()
    return "\n".join(lines) + "\n"


def to_data(c: Comparison) -> dict[str, Any]:
    """The comparison as plain data: runs, columns shown, raw values, best, order, confusion
    changes (full matrices and their sums)."""
    return {
        "runs": [{"name": r.name, "path": r.path} for r in c.runs],
        "baseline": c.runs[c.baseline].name,
        "order_by": c.order_by,
        "columns": [col.key for col in c.shown],
        "rows": [
            {"run": r.name, **{col.key: c.values[i].get(col.key) for col in c.shown}}
            for i, r in enumerate(c.runs)
        ],
        "best": {k: v for k, v in c.best.items() if any(col.key == k for col in c.shown)},
        "confusion": {
            key: [
                {
                    "run": c.runs[i].name,
                    "delta": d.cells,
                    "diagonal": d.diagonal,
                    "off_diagonal": d.off_diagonal,
                }
                for i, d in enumerate(deltas)
            ]
            for key, deltas in c.deltas.items()
        },
    }


def to_json(c: Comparison) -> str:
    return json.dumps(to_data(c), indent=2, ensure_ascii=False) + "\n"


def to_csv(c: Comparison) -> str:
    """The runs' table as CSV: the columns' keys as headings, the raw values."""
    return tables.to_csv(table(c))
