"""The changes since an earlier check (verify.changes) as a table: changes.html and changes.csv
of the class summary, `unexplained` first."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .. import tables
from ..files import write_atomic
from ..lms.grading import plain
from ..tables import Cell, Column, Table
from .formats import verdict_cell

STATUS_CSS = {"unexplained": "differs", "changed": "unverifiable", "new": "", "vanished": ""}
NOTE = {
    "unexplained": "changed, and nothing found that differs between the two checks explains it",
    "changed": "changed, each change explained by the causes named",
    "new": "not in the earlier check",
    "vanished": "in the earlier check, not in this one",
    "unchanged": "the same verdict, grade, departures and scores",
}


def _verdict(verdict: str | None) -> Cell:
    return Cell("") if verdict is None else verdict_cell(verdict)


def _grade(grade: float | None) -> str:
    return "" if grade is None else plain(grade)


def changes_table(changes: dict[str, Any], pages: dict[str, int] | None = None) -> Table:
    """A row per submission of either check; `pages`: a current file's page of the summary
    (path -> n), its file then links to s/n.html."""
    pages = pages or {}
    columns = (
        Column("status"),
        Column("file"),
        Column("earlier file", key="path_before"),
        Column("student"),
        Column("matched by", key="matched_by"),
        Column("verdict before", key="verdict_before"),
        Column("verdict after", key="verdict_after"),
        Column("grade before", key="grade_before", align="right"),
        Column("grade after", key="grade_after", align="right"),
        Column("what changed", key="changed"),
        Column("cause"),
        Column("not explained", key="unexplained"),
    )
    rows = []
    for r in changes["submissions"]:
        page = pages.get(r["path"]) if r["status"] != "vanished" else None
        rows.append(
            (
                Cell(r["status"], css=STATUS_CSS.get(r["status"], "")),
                Cell(r["path"], href=f"s/{page}.html" if page is not None else ""),
                r["path_before"] or "",
                r["student"],
                r["matched_by"],
                _verdict(r["verdict"][0]),
                _verdict(r["verdict"][1]),
                _grade(r["grade"][0]),
                _grade(r["grade"][1]),
                "; ".join(r["changed"]),
                "; ".join(r["causes"]),
                "; ".join(r["unexplained"]),
            )
        )
    return Table(columns, tuple(rows), sortable=bool(pages))


def _filled(table: Table) -> Table:
    """`table` without the columns no row fills (a page shows what there is; CSV keeps all)."""
    cells = table.cells()
    keep = [i for i in range(len(table.columns)) if any(row[i].text for row in cells)]
    return Table(
        tuple(table.columns[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in cells),
        table.caption,
        table.sortable,
    )


def _page(changes: dict[str, Any], pages: dict[str, int]) -> str:
    e = html.escape
    counts = "".join(
        f"<li><strong>{n} {e(s)}</strong>: {e(NOTE[s])}</li>" for s, n in changes["counts"].items()
    )
    differences = "".join(f"<li>{e(d)}</li>" for d in changes["differences"]) or (
        "<li>nothing: the same reportgen, libraries, tolerance and course config</li>"
    )
    body = (
        "<p><a href='index.html'>Class summary</a></p><h1>Changes since the earlier check</h1>"
        f"<p>Compared with <code>{e(changes['previous'])}</code>.</p><ul>{counts}</ul>"
        f"<h2>What differs between the two checks</h2><ul>{differences}</ul>"
        "<h2>Submissions</h2><p>A submission is matched to its earlier entry by the LMS's "
        "student id (a download's latest submission of a student), else by its file name, else "
        "by its PDF's bytes. Each change names the causes that explain it.</p>"
        + tables.to_html(_filled(changes_table(changes, pages)))
    )
    return tables.html_page("reportgen verify: changes since the earlier check", body, True)


def write_changes(report: dict[str, Any], folder: Path) -> list[Path]:
    """changes.html and changes.csv into the summary's `folder`."""
    changes = report["changes"]
    pages = {entry["path"]: n for n, entry in enumerate(report["submissions"])}
    written = [folder / "changes.html", folder / "changes.csv"]
    write_atomic(written[0], _page(changes, pages))
    write_atomic(written[1], tables.to_csv(changes_table(changes)))
    return written
