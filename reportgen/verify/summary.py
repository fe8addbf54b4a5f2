"""A class summary (`verify --summary DIR`): index.html, a page per submission, CSV and JSON.

The pages work offline from the folder: no script, font or style from outside, every page with
the one stylesheet (tables.html_page). They are in the course's language (the catalogs of
reportgen/locale, as the report's). index.html is a line per student that fits a laptop's screen
(summary_table.index_table: verdicts are words as well as colours, each with its one-line reason);
the table sorts by a click on a column's header (a few lines of inline JavaScript). Everything
else about a submission is on its page, s/N.html; summary.csv keeps every column
(verify.formats.class_table).
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath
from typing import Any

from .. import tables
from ..compare import confusion
from ..files import write_atomic
from ..report.language import language
from .changes import counts_words
from .course import course_language
from .formats import detail_lines, to_csv, to_json
from .outcome import Checked, output_failed
from .reasons import reason
from .summary_table import (
    FLAGS,
    check_lines,
    facts_html,
    facts_rows,
    index_table,
    scores_table,
    shared_folder,
    shown_path,
    student_name,
    verdict_word,
)

# what --summary writes at the folder's top (and s/, a page per submission); the gradebook beside
# them has the download's name, listed in the folder's .reportgen-written (files.WRITTEN_LIST)
OWN_FILES = ("index.html", "summary.csv", "summary.json", "changes.html", "changes.csv")


def _skipped(report: dict[str, Any]) -> str:
    return ", ".join(f"{n} {why}" for why, n in report["skipped"].items())


def _index(report: dict[str, Any], code: str) -> str:
    e, lang = html.escape, language(code)
    _ = lang.gettext
    counts = ", ".join(f"{verdict_word(v, lang).lower()} {n}" for v, n in report["summary"].items())
    total, folder = report["total"], shared_folder(report)
    said = [
        lang.ngettext("%(n)s submission: %(counts)s.", "%(n)s submissions: %(counts)s.", total)
        % {"n": total, "counts": counts},
        _("Distinct builds needed: %(n)s.") % {"n": report["builds"]},
    ]
    if folder:
        said.append(_("Files in %(folder)s.") % {"folder": folder})
    if report.get("skipped"):
        said.append(
            _("Skipped entries that are no submission: %(skipped)s.")
            % {"skipped": _skipped(report)}
        )
    text = " ".join(e(x) for x in said)
    if report.get("interrupted"):
        interrupted = _("Interrupted: only the finished submissions are listed.")
        text += f" <strong>{e(interrupted)}</strong>"
    if "changes" in report:
        changes = _("Changes since the earlier check")
        text += f" <a href='changes.html'>{e(changes)}</a>: {e(counts_words(report['changes']))}."
    hint = _(
        "A student’s name opens the page of their submission: its checks, its scores and what "
        "differs. A click on a heading sorts the table."
    )
    heading = _("Class summary")
    body = (
        f"<h1>{e(heading)}</h1><p>{text}</p><p class='hint'>{e(hint)}</p>"
        + tables.to_html(index_table(report, code))
        + _pairs(report, code, folder)
    )
    return tables.html_page(f"reportgen verify: {heading}", body, sortable=True, lang=code)


def _pairs(report: dict[str, Any], code: str, folder: str) -> str:
    """The section of the pairs flagged across the class, each with what the two share."""
    e, lang = html.escape, language(code)
    _ = lang.gettext
    pairs = report.get("pairs")
    if pairs is None:
        return ""
    heading = "<h2>" + e(_("Flagged pairs")) + "</h2>"
    if not pairs:
        return (
            heading
            + "<p>"
            + e(_("No two submissions share what two students’ should not."))
            + "</p>"
        )
    page = {entry["path"]: n for n, entry in enumerate(report["submissions"])}
    link = lambda path: f"<a href='s/{page[path]}.html'>{e(shown_path(path, folder))}</a>"  # noqa: E731
    kind = lambda f: e(_(FLAGS.get(f["kind"], f["kind"])))  # noqa: E731
    both = e(_("and"))
    items = "".join(
        f"<li>{link(p['a'])} {both} {link(p['b'])}<ul>"
        + "".join(f"<li>{kind(f)}: {e(f['evidence'])}</li>" for f in p["flags"])
        + "</ul></li>"
        for p in pairs
    )
    said = lang.ngettext(
        "%(n)s pair shares what two students’ work should not; evidence for a person to weigh, "
        "not a verdict.",
        "%(n)s pairs share what two students’ work should not; evidence for a person to weigh, "
        "not a verdict.",
        len(pairs),
    ) % {"n": len(pairs)}
    return heading + f"<p>{e(said)}</p><ul>{items}</ul>"


def _submission_page(
    entry: dict[str, Any], diff_html: str, regenerated: str | None, code: str, folder: str
) -> str:
    e, lang = html.escape, language(code)
    _ = lang.gettext
    lines = check_lines(entry, lang) + detail_lines(entry, checks=False)
    items = "".join(f"<li>{e(line)}</li>" for line in lines)
    if regenerated:
        said = _("The report regenerated from its attachments, to compare with the submission:")
        items += f"<li>{e(said)} <a href='{e(regenerated)}'>{e(regenerated)}</a></li>"
    why = reason(entry, code)
    name = student_name(entry, lang) or shown_path(entry["path"], folder)
    scores = scores_table(entry, code)
    back, checks = _("All submissions"), _("Verification")
    against = _("Submission against its rebuilt analysis")
    nothing = _("No rebuilt analysis to compare with.")
    body = (
        f"<p><a href='../index.html'>← {e(back)}</a></p>"
        f"<h1>{e(name)}: <span class='{e(entry['verdict'])}'>"
        f"{e(verdict_word(entry['verdict'], lang))}</span></h1>"
        + (f"<p class='reason'>{e(why)}</p>" if why else "")
        + facts_html(facts_rows(entry, code, folder))
        + (tables.to_html(scores) if scores else "")
        + f"<h2>{e(checks)}</h2><ul>{items}</ul><h2>{e(against)}</h2>"
        + (diff_html or f"<p>{e(nothing)}</p>")
    )
    return tables.html_page(f"reportgen verify: {name}", body, style=confusion.STYLE, lang=code)


def write_summary(
    checked: Checked, folder: Path, course: dict[str, Any] | None = None
) -> list[Path]:
    """index.html, s/<n>.html, summary.csv and summary.json into `folder`; where a submission's
    regenerated report is not its PDF (tampered, or another render environment), that report as
    s/<n>-regenerated.pdf. The pages are in the course's language (course.course_language);
    summary.csv and summary.json are for programs, in English. A submission whose page cannot be
    written has the reason on its entry (outcome.output_failed), in the class's files written
    after it."""
    report = checked.report
    code = course_language(course, report["submissions"])
    shared = shared_folder(report)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "s").mkdir(exist_ok=True)
    for n, entry in enumerate(report["submissions"]):  # first: their failures reach the table
        try:
            _write_submission(checked, entry, folder / "s", n, code, shared)
        except OSError:  # a full disk is the class's, not one student's: nothing is published
            raise
        except Exception as exc:  # noqa: BLE001 (one submission's failure is its own)
            output_failed(entry, "its page of the summary", exc)
            write_atomic(folder / "s" / f"{n}.html", _failed_page(entry, code))
    written = [folder / "index.html", folder / "summary.csv", folder / "summary.json"]
    write_atomic(written[0], _index(report, code))
    write_atomic(written[1], to_csv(report))
    write_atomic(written[2], to_json(report))
    if "changes" in report:
        from .changes_page import write_changes

        written += write_changes(report, folder)
    return written


def _write_submission(
    checked: Checked, entry: dict[str, Any], pages: Path, n: int, code: str, shared: str
) -> None:
    """s/<n>.html, and s/<n>-regenerated.pdf where there is one."""
    pdf = checked.regenerated.get(entry["path"])
    if pdf is not None:
        write_atomic(pages / f"{n}-regenerated.pdf", pdf)
    regenerated = f"{n}-regenerated.pdf" if pdf else None
    page = _submission_page(entry, checked.diffs.get(entry["path"], ""), regenerated, code, shared)
    write_atomic(pages / f"{n}.html", page)


def _failed_page(entry: dict[str, Any], code: str) -> str:
    """The page of a submission whose own page could not be written: why (the index links it)."""
    e, lang = html.escape, language(code)
    _ = lang.gettext
    items = "".join(f"<li>{e(line)}</li>" for line in entry["output_errors"])
    back, heading = _("All submissions"), _("A submission’s page")
    said = _("Its verdict: %(verdict)s. Its page was not written:") % {
        "verdict": verdict_word(entry["verdict"], lang)
    }
    body = (
        f"<p><a href='../index.html'>← {e(back)}</a></p><h1>{e(heading)}</h1>"
        f"<p>{e(said)}</p><ul>{items}</ul>"
    )
    return tables.html_page(f"reportgen verify: {heading}", body, lang=code)


def own_file(relative: PurePosixPath) -> bool:
    """Whether a file of a summary folder is one --summary writes (files.StagedFolders)."""
    return relative.parts[0] == "s" or relative.as_posix() in OWN_FILES
