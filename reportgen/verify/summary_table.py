"""The class summary's tables, in the course's language: index.html's compact table (a line per
student that fits a laptop's screen) and the facts of one submission on its own page.

index.html shows per student: the student (the LMS's name, else the title page's author),
verdict (a word and its colour), grade, identity, late, flags and the reason of every verdict
but `reproduced` (reasons.py); a long cell is cut short with an ellipsis and its whole text is
its title. What is behind a row (data set, seed, grids, the tuned scores, where it was checked,
what was not written, its departures, its file) is on its page, s/N.html, which the row links.
summary.csv keeps every column (formats.class_table).
"""

from __future__ import annotations

import html
import os
from typing import Any

from .. import numbers
from ..models import MODELS
from ..report.language import N_, Language, language
from ..tables import Cell, Column, Table
from .feedback import rule_text
from .formats import from_lms
from .reasons import reason

VERDICTS = {
    "reproduced": N_("reproduced"),
    "within_tolerance": N_("within tolerance"),
    "differs": N_("DIFFERS"),
    "tampered": N_("TAMPERED"),
    "unverifiable": N_("UNVERIFIABLE"),
    "error": N_("ERROR"),
}
IDENTITIES = {"match": N_("match"), "mismatch": N_("MISMATCH"), "unknown": N_("unknown")}
FLAGS = {
    "same_pdf": N_("same PDF"),
    "same_results": N_("same results"),
    "same_self_evaluation": N_("same self-evaluation"),
    "near_copy": N_("near copy"),
    "same_section": N_("same own section"),
    "near_copy_section": N_("near copy of an own section"),
    "same_analysis": N_("same analysis"),
    "claimed_config": N_("claimed configuration"),
}


# verify's checks of a submission (its "checks": key -> status) as the submission's page says
# them; a status not listed (an environment's differences) is shown as verify wrote it
CHECKS = {
    "attachments": N_("attachments"),
    "integrity": N_("integrity"),
    "render_environment": N_("render environment"),
    "reproduction": N_("reproduction"),
    "analysis_environment": N_("analysis environment"),
}
CHECK_STATUSES = {
    "ok": N_("ok"),
    "tampered": N_("changed after the build"),
    "byte-identical": N_("byte-identical"),
    "consistent": N_("consistent"),
    "same": N_("same as the build's"),
    "reproduced": N_("reproduced"),
    "within_tolerance": N_("within tolerance"),
    "differs": N_("differs"),
}


def check_lines(entry: dict[str, Any], lang: Language) -> list[str]:
    """'integrity: byte-identical', a line per check, in `lang`."""
    lines = []
    for key, status in entry.get("checks", {}).items():
        said = (
            ", ".join(status)
            if not isinstance(status, str)
            else lang.gettext(CHECK_STATUSES[status])
            if status in CHECK_STATUSES
            else status
        )
        lines.append(f"{lang.gettext(CHECKS[key]) if key in CHECKS else key}: {said}")
    return lines


def verdict_word(verdict: str, lang: Language) -> str:
    return lang.gettext(VERDICTS[verdict])


def shared_folder(report: dict[str, Any]) -> str:
    """The folder every submission's file is in ('' when there is none): the class's pages name
    files relative to it."""
    parents = [os.path.dirname(e["path"]) for e in report["submissions"]]
    if not parents or not all(parents):
        return ""
    try:
        return os.path.commonpath(parents)
    except ValueError:  # absolute beside relative
        return ""


def shown_path(path: str, folder: str) -> str:
    """`path` relative to the shared `folder`."""
    return os.path.relpath(path, folder) if folder else path


def grade_text(value: float | None, lang: Language) -> str:
    """Points as the language writes them: '7,5' (sv), '7.5' (en), '10'."""
    if value is None:
        return ""
    return lang.decimal(value, 2).rstrip("0").rstrip(",.")


def student_name(entry: dict[str, Any], lang: Language) -> str:
    """The LMS's student, else the title page's author; where the two are one person
    (lms.identity: match), the author's spelling (Canvas names a student 'obergasa', the title
    page 'Åsa Öberg'). An earlier attempt says so."""
    name = entry.get("student_name") or entry.get("author") or ""
    if entry.get("identity") == "match" and entry.get("author"):
        name = entry["author"]
    if not name and entry.get("lms"):
        name = lang.gettext("(anonymous)")
    if entry.get("lms") and entry.get("latest") is False:
        name += " " + lang.gettext("(earlier attempt)")
    return name


def _yes(value: bool | None, lang: Language) -> str:
    if value is None:
        return ""
    return lang.gettext("yes") if value else lang.gettext("no")


def flag_cell(entry: dict[str, Any], lang: Language, folder: str) -> Cell:
    """'same PDF (3)': each kind of flag once, with how many others share it; the title names
    them."""
    flags = entry.get("flags") or []
    kinds: dict[str, int] = {}
    for f in flags:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    text = ", ".join(
        lang.gettext(FLAGS.get(kind, kind)) + (f" ({n})" if n > 1 else "")
        for kind, n in kinds.items()
    )
    title = "; ".join(
        f"{lang.gettext(FLAGS.get(f['kind'], f['kind']))}: {shown_path(f['with'], folder)}"
        for f in flags
    )
    return Cell(text, css="flagged" if flags else "", title=title)


def index_table(report: dict[str, Any], code: str) -> Table:
    """A line per submission: student, verdict, grade, identity, late, flags, reason (the
    identity and late of an LMS download, the grade where there is a grading); the student
    links to the submission's page, s/N.html."""
    lang = language(code)
    _ = lang.gettext
    lms = from_lms(report)
    graded = any("grade" in e for e in report["submissions"])
    folder = shared_folder(report)
    columns = (
        Column(_("student"), width="16%"),
        Column(_("verdict"), width="13%"),
        *((Column(_("grade"), align="right", width="7%"),) if graded else ()),
        *((Column(_("identity"), width="10%"), Column(_("late"), width="5%")) if lms else ()),
        Column(_("flags"), width="14%"),
        Column(_("reason")),
    )
    rows = []
    for n, entry in enumerate(report["submissions"]):
        name = student_name(entry, lang)
        file = shown_path(entry["path"], folder)
        why = reason(entry, code).replace(entry["path"], file)
        identity = entry.get("identity") or ""
        rows.append(
            (
                Cell(name or file, href=f"s/{n}.html", title=f"{name}: {file}" if name else file),
                Cell(verdict_word(entry["verdict"], lang), css=entry["verdict"],
                     sort=str(list(VERDICTS).index(entry["verdict"]))),
                *((Cell(grade_text(entry.get("grade"), lang),
                        sort="" if entry.get("grade") is None else str(entry["grade"])),)
                  if graded else ()),
                *((Cell(_(IDENTITIES.get(identity, identity)) if identity else "",
                        css="differs" if identity == "mismatch" else ""),
                   Cell(_yes(entry.get("late"), lang), css="late" if entry.get("late") else ""))
                  if lms else ()),
                flag_cell(entry, lang, folder),
                Cell(why, title=why),
            )
        )  # fmt: skip
    return Table(columns, tuple(rows), sortable=True, css="glance")


def _score(metric: str, value: float | None, code: str) -> str:
    return "" if value is None else numbers.metric(metric, value, code, "summary")


def scores_table(entry: dict[str, Any], code: str) -> Table | None:
    """Each model's tuned test score: in the report, and rebuilt (where it was)."""
    facts = entry.get("facts") or {}
    if not facts.get("scores"):
        return None
    lang = language(code)
    _ = lang.gettext
    rebuilt = (entry.get("rebuilt") or {}).get("scores") or {}
    metrics = facts.get("metrics", {})
    rows = []
    for key, spec in MODELS.items():
        if key not in facts["scores"]:
            continue
        metric = metrics.get(key, "")
        ours, theirs = rebuilt.get(key), facts["scores"][key]
        differs = ours is not None and ours != theirs
        rows.append(
            (
                _(spec.label),
                _(metric) if metric else "",
                _score(metric, theirs, code),
                Cell(_score(metric, ours, code), css="differs" if differs else ""),
            )
        )
    columns = (
        Column(_("model")),
        Column(_("metric")),
        Column(_("report"), align="right"),
        Column(_("rebuilt"), align="right"),
    )
    return Table(columns, tuple(rows), caption=_("Tuned test scores"))


def facts_rows(entry: dict[str, Any], code: str, folder: str) -> list[tuple[str, str]]:
    """(heading, text) of everything behind a submission's row; empty ones left out."""
    lang = language(code)
    _ = lang.gettext
    facts = entry.get("facts") or {}
    identity = entry.get("identity") or ""
    rows = [
        (_("File"), shown_path(entry["path"], folder)),
        (_("Student") + (f" ({entry['lms'].capitalize()})" if entry.get("lms") else ""),
         entry.get("student_name") or ""),
        (_("Student id"), str(entry.get("student_id") or "")),
        (_("Author on the title page"), entry.get("author") or ""),
        (_("Identity"), _(IDENTITIES.get(identity, identity)) if identity else ""),
        (_("Late"), _yes(entry.get("late"), lang)),
        (_("Attempt"), str(entry.get("attempt") or "")),
        (_("Grade"), grade_text(entry.get("grade"), lang)),
        (_("Grade rule"), rule_text(entry, code)),
        (_("Data set"), _("%(dataset)s (%(n)s digits)") % {
            "dataset": facts["dataset"], "n": lang.integer(facts["n_samples"])} if facts else ""),
        (_("Seed"), str(facts.get("seed", ""))),
        (_("Grids"), ", ".join(f"{k} {size}" for k, size in facts.get("grid_sizes", {}).items())),
        (_("Departs from the course"), "; ".join(entry.get("departs", []))),
        (_("Flags"), "; ".join(f"{_(FLAGS.get(f['kind'], f['kind']))}: "
                               f"{shown_path(f['with'], folder)} ({f['evidence']})"
                               for f in entry.get("flags", []))),
        (_("Checked on"), entry.get("worker", "")),
        (_("Not written"), "; ".join(entry.get("output_errors", []))),
    ]  # fmt: skip
    return [(k, v) for k, v in rows if v]


def facts_html(rows: list[tuple[str, str]]) -> str:
    e = html.escape
    body = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f"<table class='facts'>{body}</table>"
