"""A class summary (`verify --summary DIR`): index.html, a page per submission, CSV and JSON.

The pages work offline from the folder: no script, font or style from outside. The table sorts
by a click on a column's header (a few lines of inline JavaScript); verdicts are words as well as
colours.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path
from typing import Any

from .. import numbers
from ..files import write_atomic
from ..models import MODELS
from .formats import LABELS, _detail_lines

CSS = """
body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em auto;max-width:80em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%;font-size:.9em}
td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f3f6;cursor:pointer}th[aria-sort]::after{content:" \\2195";color:#666}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.reproduced,.within_tolerance{color:#11703a;font-weight:bold}
.differs,.tampered,.error{color:#b3261e;font-weight:bold}
pre{background:#f7f7f7;padding:1em;overflow-x:auto;white-space:pre-wrap}
"""

SORT = """
document.querySelectorAll('th[data-col]').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], col = +th.dataset.col;
    var up = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort || a.cells[col].textContent;
      var y = b.cells[col].dataset.sort || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return up ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""

COLUMNS = ["file", "author", "verdict", "data set", "seed", "grids", "departs from the course"]


def _score(metric: str, value: float | None) -> str:
    if value is None:
        return ""
    return numbers.metric(metric, value, "en", "summary")  # English, as the summary's words are


def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per submission (the CSV's and the table's)."""
    out = []
    for entry in report["submissions"]:
        facts = entry.get("facts") or {}
        grids = facts.get("grid_sizes", {})
        row = {
            "file": entry["path"],
            "author": entry.get("author") or "",
            "verdict": entry["verdict"],
            "data set": (f"{facts['dataset']} ({facts['n_samples']} digits)" if facts else ""),
            "seed": facts.get("seed", ""),
            "grids": ", ".join(f"{k} {n}" for k, n in grids.items()),
            "departs from the course": "; ".join(entry.get("departs", [])),
            "tampered": "yes" if entry["verdict"] == "tampered" else "no",
            "checked on": entry.get("worker", ""),
        }
        for key in MODELS:
            value = facts.get("scores", {}).get(key)
            row[key] = _score(facts.get("metrics", {}).get(key, ""), value)
        out.append(row)
    return out


def _csv(table: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table[0]) if table else COLUMNS)
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def _page(title: str, body: str, script: str = "") -> str:
    e = html.escape
    tail = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>{body}{tail}</body></html>\n"
    )


def _index(report: dict[str, Any], table: list[dict[str, Any]]) -> str:
    e = html.escape
    heads = [*COLUMNS, *[m.name for m in MODELS.values()], "tampered"]
    keys = [*COLUMNS, *MODELS, "tampered"]
    head = "".join(
        f"<th scope='col' data-col='{i}' aria-sort='none'>{e(h)}</th>" for i, h in enumerate(heads)
    )
    body = []
    for n, row in enumerate(table):
        cells = []
        for key in keys:
            value = str(row[key])
            if key == "file":
                cells.append(f"<td><a href='s/{n}.html'>{e(value)}</a></td>")
            elif key == "verdict":
                cells.append(f"<td class='{e(value)}'>{e(LABELS[value])}</td>")
            elif key in MODELS or key == "seed":
                cells.append(f"<td class='num'>{e(value)}</td>")
            else:
                cells.append(f"<td>{e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    counts = ", ".join(f"{n} {LABELS[v].lower()}" for v, n in report["summary"].items())
    text = (
        f"<h1>Class summary</h1><p>{report['total']} submission(s): {e(counts)}. "
        f"Distinct builds needed: {report['builds']}."
        + (" <strong>Interrupted: only the finished submissions are listed.</strong>"
           if report.get("interrupted") else "")
        + "</p><table><thead><tr>" + head + "</tr></thead><tbody>" + "".join(body)
        + "</tbody></table>"
    )  # fmt: skip
    return _page("reportgen verify: class summary", text, SORT)


def _submission_page(entry: dict[str, Any], diff_html: str, regenerated: str | None) -> str:
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in _detail_lines(entry))
    if regenerated:
        items += (
            f"<li>The report regenerated from its attachments, to compare with the submission: "
            f"<a href='{e(regenerated)}'>{e(regenerated)}</a></li>"
        )
    body = (
        f"<p><a href='../index.html'>All submissions</a></p><h1>{e(entry['path'])}</h1>"
        f"<p>Author: {e(entry.get('author') or '')}. Verdict: "
        f"<span class='{e(entry['verdict'])}'>{e(LABELS[entry['verdict']])}</span>.</p>"
        f"<h2>Verification</h2><ul>{items}</ul><h2>Submission against its rebuilt analysis</h2>"
        f"{diff_html or '<p>No rebuilt analysis to compare with.</p>'}"
    )
    return _page(f"reportgen verify: {entry['path']}", body)


def write_summary(
    report: dict[str, Any],
    folder: Path,
    diffs: dict[str, str],
    regenerated: dict[str, bytes] | None = None,
) -> list[Path]:
    """index.html, s/<n>.html, summary.csv and summary.json into `folder`; where a submission's
    regenerated report is not its PDF (tampered, or another render environment), that report as
    s/<n>-regenerated.pdf."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "s").mkdir(exist_ok=True)
    table = rows(report)
    written = [folder / "index.html", folder / "summary.csv", folder / "summary.json"]
    write_atomic(written[0], _index(report, table))
    write_atomic(written[1], _csv(table))
    write_atomic(written[2], json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    for n, entry in enumerate(report["submissions"]):
        pdf = (regenerated or {}).get(entry["path"])
        if pdf is not None:
            write_atomic(folder / "s" / f"{n}-regenerated.pdf", pdf)
        page = _submission_page(
            entry, diffs.get(entry["path"], ""), f"{n}-regenerated.pdf" if pdf else None
        )
        write_atomic(folder / "s" / f"{n}.html", page)
    return written
