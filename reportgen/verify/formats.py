"""A verify report as text, JSON, Markdown, HTML or CSV: a table of verdicts, then details.

Both tables are tables.Table, so each format is one renderer's: the verdict table (verdict, file,
author) heads the text, Markdown and HTML; the class table (a row per submission with its data
set, seed, grids, departures and tuned scores) is the CSV and the class summary's index.html.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .. import numbers, tables
from ..models import MODELS
from ..tables import Cell, Column, Table
from .flags import flag_words
from .reasons import reason

LABELS = {
    "reproduced": "reproduced",
    "within_tolerance": "within tolerance",
    "differs": "DIFFERS",
    "tampered": "TAMPERED",
    "unverifiable": "UNVERIFIABLE",
    "error": "ERROR",
}


def summary_line(report: dict[str, Any]) -> str:
    """'3 submission(s): 2 reproduced, 1 tampered'."""
    parts = [f"{n} {LABELS[v].lower()}" for v, n in report["summary"].items()]
    return f"{len(report['submissions'])} submission(s): " + ", ".join(parts)


def detail_lines(entry: dict[str, Any], checks: bool = True) -> list[str]:
    """A submission's checks (unless `checks` is false), details, changed texts and departures,
    a line each."""
    lines = [
        f"{k}: {v if isinstance(v, str) else ', '.join(v)}"
        for k, v in (entry["checks"].items() if checks else ())
    ]
    lines += entry["details"]
    lines += [
        f'page {c["page"]}: "{c["before"]}" -> "{c["after"]}"'
        for c in entry.get("text_changes", [])
    ]
    lines += [f"departs from the course: {d}" for d in entry.get("departs", [])]
    lines += entry.get("output_errors", [])
    lines += [
        f"flagged, {f['kind']} with {f['with']}: {f['evidence']}" for f in entry.get("flags", [])
    ]
    return lines


def verdict_cell(verdict: str) -> Cell:
    """A verdict in words (its colour only in HTML); CSV writes its key."""
    return Cell(LABELS[verdict], css=verdict, value=verdict)


def from_lms(report: dict[str, Any]) -> bool:
    """Whether any submission came from an LMS download (its tables show the students)."""
    return any(e.get("lms") for e in report["submissions"])


STUDENT_COLUMNS = (
    Column("student"),
    Column("student id", key="student_id"),
    Column("identity"),
    Column("late"),
    Column("attempt", align="right"),
    Column("latest"),
)


def _yes(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def student_cells(entry: dict[str, Any]) -> tuple[Cell | str, ...]:
    """The LMS's student beside the title page's author: name, id, identity (a mismatch in a
    verdict's red, and in words), late, attempt, latest."""
    name = entry.get("student_name")
    if name is None and entry.get("lms"):
        name = "(anonymous)" if entry["lms"] != "blackboard" else ""
    return (
        name or "",
        entry.get("student_id") or "",
        Cell(
            entry.get("identity") or "",
            css="differs" if entry.get("identity") == "mismatch" else "",
        ),
        _yes(entry.get("late")),
        str(entry.get("attempt") or ""),
        _yes(entry.get("latest")) if entry.get("lms") else "",
    )


def verdict_table(report: dict[str, Any]) -> Table:
    """Verdict, file and author of each submission (and the LMS's student, for a download); in
    HTML a file links to its details."""
    lms = from_lms(report)
    columns = (Column("verdict"), Column("file", code=True), Column("author"))
    columns += STUDENT_COLUMNS if lms else ()
    rows = tuple(
        (verdict_cell(e["verdict"]), Cell(e["path"], href=f"#s{i}"), e["author"] or "")
        + (student_cells(e) if lms else ())
        for i, e in enumerate(report["submissions"])
    )
    return Table(columns, rows)


def _points(value: float | None) -> str:
    return "" if value is None else numbers.decimal_number(value, "en", 2)


def _score(metric: str, value: float | None) -> str:
    if value is None:
        return ""
    return numbers.metric(metric, value, "en", "summary")  # English, as the summary's words are


def class_table(report: dict[str, Any], links: bool = False) -> Table:
    """One row per submission: what it is (and whose, for a download), its verdict (and why,
    but for `reproduced`: reasons.reason, in English), its tuned test scores, where it was
    checked; `links`: a file links to its page of the class summary (s/N.html)."""
    lms = from_lms(report)
    graded = any("grade" in e for e in report["submissions"])
    columns = (
        Column("file"),
        Column("author"),
        *(STUDENT_COLUMNS if lms else ()),
        Column("verdict"),
        Column("reason"),
        Column("not written", key="not_written"),  # this one's outputs that failed (why)
        *(
            (Column("grade", align="right"), Column("grade rule", key="grade_rule"))
            if graded
            else ()
        ),
        Column("data set"),
        Column("seed", align="right"),
        Column("grids"),
        Column("departs from the course"),
        Column("flags"),
        *(Column(spec.name, key=key, align="right") for key, spec in MODELS.items()),
        Column("tampered"),
        Column("checked on"),
    )
    rows = []
    for n, entry in enumerate(report["submissions"]):
        facts = entry.get("facts") or {}
        scores, metrics = facts.get("scores", {}), facts.get("metrics", {})
        rows.append(
            (
                Cell(entry["path"], href=f"s/{n}.html" if links else ""),
                entry.get("author") or "",
                *(student_cells(entry) if lms else ()),
                verdict_cell(entry["verdict"]),
                reason(entry),
                "; ".join(entry.get("output_errors", [])),
                *((_points(entry.get("grade")), entry.get("grade_rule", "")) if graded else ()),
                f"{facts['dataset']} ({facts['n_samples']} digits)" if facts else "",
                str(facts.get("seed", "")),
                ", ".join(f"{k} {size}" for k, size in facts.get("grid_sizes", {}).items()),
                "; ".join(entry.get("departs", [])),
                flag_words(entry),
                *(_score(metrics.get(key, ""), scores.get(key)) for key in MODELS),
                "yes" if entry["verdict"] == "tampered" else "no",
                entry.get("worker", ""),
            )
        )
    return Table(columns, tuple(rows), sortable=links)


def to_text(report: dict[str, Any]) -> str:
    """The verdict table, the counts, then each submission's details."""
    lines = [tables.to_text(verdict_table(report)).rstrip("\n"), "", summary_line(report)]
    if "builds" in report:
        lines.append(f"distinct builds: {report['builds']}")
    for e in report["submissions"]:
        lines += ["", f"{e['path']} ({LABELS[e['verdict']]}, {e['seconds']:.1f} s)"]
        lines += [f"  {line}" for line in detail_lines(e)]
    return "\n".join(lines) + "\n"


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: dict[str, Any]) -> str:
    """The verdict table, the counts, then a section of details per submission."""
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = [
        tables.to_markdown(verdict_table(report)).rstrip("\n"),
        "",
        f"_{summary_line(report)}_",
    ]
    for e in report["submissions"]:
        lines += ["", f"### `{esc(e['path'])}`: {LABELS[e['verdict']]}", ""]
        lines += [f"- {esc(line)}" for line in detail_lines(e)]
    return "\n".join(lines) + "\n"


def to_html(report: dict[str, Any]) -> str:
    """A standalone page: verdicts as words (never colour alone), details per submission."""
    e = html.escape
    parts = [
        f"<h1>reportgen verify</h1><p>{e(summary_line(report))}</p>",
        tables.to_html(verdict_table(report)),
    ]
    for i, x in enumerate(report["submissions"]):
        items = "".join(f"<li>{e(line)}</li>" for line in detail_lines(x))
        parts.append(
            f"<h2 id='s{i}'>{e(x['path'])}: <span class='{x['verdict']}'>"
            f"{e(LABELS[x['verdict']])}</span></h2><ul>{items}</ul>"
        )
    return tables.html_page("reportgen verify", "\n".join(parts))


def to_csv(report: dict[str, Any]) -> str:
    """The class table: a row per submission (as the class summary's summary.csv)."""
    return tables.to_csv(class_table(report))  # every cell spreadsheet-safe


FORMATS = {
    "text": to_text,
    "json": to_json,
    "markdown": to_markdown,
    "html": to_html,
    "csv": to_csv,
}
