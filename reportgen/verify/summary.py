"""A class summary (`verify --summary DIR`): index.html, a page per submission, CSV and JSON.

The pages work offline from the folder: no script, font or style from outside. The table sorts
by a click on a column's header (a few lines of inline JavaScript); verdicts are words as well as
colours. index.html and summary.csv are the one class table (verify.formats.class_table).
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath
from typing import Any

from .. import tables
from ..files import write_atomic
from .changes import counts_words
from .formats import LABELS, class_table, detail_lines, to_csv, to_json
from .outcome import Checked, output_failed

# what --summary writes at the folder's top (and s/, a page per submission); the gradebook beside
# them has the download's name, listed in the folder's .reportgen-written (files.WRITTEN_LIST)
OWN_FILES = ("index.html", "summary.csv", "summary.json", "changes.html", "changes.csv")


def _skipped(report: dict[str, Any]) -> str:
    return ", ".join(f"{n} {why}" for why, n in report["skipped"].items())


def _index(report: dict[str, Any]) -> str:
    e = html.escape
    counts = ", ".join(f"{n} {LABELS[v].lower()}" for v, n in report["summary"].items())
    text = (
        f"<h1>Class summary</h1><p>{report['total']} submission(s): {e(counts)}. "
        f"Distinct builds needed: {report['builds']}."
        + (f" Skipped entries that are no submission: {e(_skipped(report))}."
           if report.get("skipped") else "")
        + (" <strong>Interrupted: only the finished submissions are listed.</strong>"
           if report.get("interrupted") else "")
        + (" <a href='changes.html'>Changes since the earlier check</a>: "
           f"{e(counts_words(report['changes']))}." if "changes" in report else "")
        + "</p>" + tables.to_html(class_table(report, links=True)) + _pairs(report)
    )  # fmt: skip
    return tables.html_page("reportgen verify: class summary", text, sortable=True)


def _pairs(report: dict[str, Any]) -> str:
    """The section of the pairs flagged across the class, each with what the two share."""
    e = html.escape
    pairs = report.get("pairs")
    if pairs is None:
        return ""
    if not pairs:
        return (
            "<h2>Flagged pairs</h2><p>No two submissions share what two students' should not.</p>"
        )
    page = {entry["path"]: n for n, entry in enumerate(report["submissions"])}
    link = lambda path: f"<a href='s/{page[path]}.html'>{e(path)}</a>"  # noqa: E731
    items = "".join(
        f"<li>{link(p['a'])} and {link(p['b'])}<ul>"
        + "".join(f"<li>{e(f['kind'])}: {e(f['evidence'])}</li>" for f in p["flags"])
        + "</ul></li>"
        for p in pairs
    )
    return (
        f"<h2>Flagged pairs</h2><p>{len(pairs)} pair(s) share what two students' work should "
        f"not; evidence for a person to weigh, not a verdict.</p><ul>{items}</ul>"
    )


def _student(entry: dict[str, Any]) -> str:
    """'Student (Moodle): Åsa Öberg, id 501; the title page names them: match. '"""
    if not entry.get("lms"):
        return ""
    name = entry.get("student_name") or "anonymous"
    return (
        f"Student ({entry['lms'].capitalize()}): {name}, id {entry.get('student_id')}; "
        f"the title page names them: {entry.get('identity')}. "
    )


def _submission_page(entry: dict[str, Any], diff_html: str, regenerated: str | None) -> str:
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in detail_lines(entry))
    if regenerated:
        items += (
            f"<li>The report regenerated from its attachments, to compare with the submission: "
            f"<a href='{e(regenerated)}'>{e(regenerated)}</a></li>"
        )
    body = (
        f"<p><a href='../index.html'>All submissions</a></p><h1>{e(entry['path'])}</h1>"
        f"<p>Author: {e(entry.get('author') or '')}. {e(_student(entry))}Verdict: "
        f"<span class='{e(entry['verdict'])}'>{e(LABELS[entry['verdict']])}</span>.</p>"
        f"<h2>Verification</h2><ul>{items}</ul><h2>Submission against its rebuilt analysis</h2>"
        f"{diff_html or '<p>No rebuilt analysis to compare with.</p>'}"
    )
    return tables.html_page(f"reportgen verify: {entry['path']}", body)


def write_summary(checked: Checked, folder: Path) -> list[Path]:
    """index.html, s/<n>.html, summary.csv and summary.json into `folder`; where a submission's
    regenerated report is not its PDF (tampered, or another render environment), that report as
    s/<n>-regenerated.pdf. A submission whose page cannot be written has the reason on its entry
    (outcome.output_failed), in the class's files written after it."""
    report = checked.report
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "s").mkdir(exist_ok=True)
    for n, entry in enumerate(report["submissions"]):  # first: their failures reach the table
        try:
            _write_submission(checked, entry, folder / "s", n)
        except OSError:  # a full disk is the class's, not one student's: nothing is published
            raise
        except Exception as exc:  # noqa: BLE001 (one submission's failure is its own)
            output_failed(entry, "its page of the summary", exc)
            write_atomic(folder / "s" / f"{n}.html", _failed_page(entry))
    written = [folder / "index.html", folder / "summary.csv", folder / "summary.json"]
    write_atomic(written[0], _index(report))
    write_atomic(written[1], to_csv(report))
    write_atomic(written[2], to_json(report))
    if "changes" in report:
        from .changes_page import write_changes

        written += write_changes(report, folder)
    return written


def _write_submission(checked: Checked, entry: dict[str, Any], pages: Path, n: int) -> None:
    """s/<n>.html, and s/<n>-regenerated.pdf where there is one."""
    pdf = checked.regenerated.get(entry["path"])
    if pdf is not None:
        write_atomic(pages / f"{n}-regenerated.pdf", pdf)
    page = _submission_page(
        entry, checked.diffs.get(entry["path"], ""), f"{n}-regenerated.pdf" if pdf else None
    )
    write_atomic(pages / f"{n}.html", page)


def _failed_page(entry: dict[str, Any]) -> str:
    """The page of a submission whose own page could not be written: why (the index links it)."""
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in entry["output_errors"])
    body = (
        "<p><a href='../index.html'>All submissions</a></p><h1>A submission's page</h1>"
        f"<p>Its verdict: {e(LABELS[entry['verdict']])}. Its page was not written:</p>"
        f"<ul>{items}</ul>"
    )
    return tables.html_page("reportgen verify: a submission", body)


def own_file(relative: PurePosixPath) -> bool:
    """Whether a file of a summary folder is one --summary writes (files.StagedFolders)."""
    return relative.parts[0] == "s" or relative.as_posix() in OWN_FILES
