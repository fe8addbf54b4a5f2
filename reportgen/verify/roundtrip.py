"""Grades back to the LMS: each submission's grade from the course's [grading] (lms.grading),
and the gradebook the instructor downloaded, written anew into the summary folder with only the
assignment's grade cells changed (lms.gradebook)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..config import GRADING_EXAMPLE, GradingConfig, load_grading
from ..errors import ReportgenError
from ..files import write_atomic
from ..lms import blackboard, canvas, moodle
from ..lms.grading import grade, graded, plain, scaler, terms
from ..lms.sheet import BOM, read_sheet
from .formats import LABELS
from .outcome import output_failed


def grading_of(expect: str | None) -> GradingConfig:
    """The [grading] table of the course config `expect`; without one, an error with an
    example."""
    if not expect:
        raise ReportgenError(
            f"--gradebook needs --expect COURSE.toml with a table like {GRADING_EXAMPLE}"
        )
    found = load_grading(Path(expect))
    if found is None:
        raise ReportgenError(f"{expect} has no [grading] table: add one like {GRADING_EXAMPLE}")
    return found


def preflight(downloaded: Path, assignment: str | None, expect: str | None) -> GradingConfig:
    """The course's grading, once the gradebook is known to be readable (and its assignment
    column chosen, its maximum reconciled with the course's): a problem shows before the class
    is verified."""
    grading = grading_of(expect)
    sheet = read_sheet(downloaded)
    if moodle.is_worksheet(sheet):  # before Canvas's `ID`: a German worksheet's first header
        moodle.write(sheet, {}, "", plain, str, scaler(grading))
    elif canvas.is_gradebook(sheet):
        canvas.write(sheet, {}, assignment, plain, scaler(grading))
    elif blackboard.is_grade_center(sheet):
        blackboard.write(sheet, {}, assignment, scaler(grading))
    return grading


def add_grades(report: dict[str, Any], grading: GradingConfig) -> None:
    """Each submission's `grade` and `grade_rule` (the student is graded on the latest), and
    what the rule adds up (`grade_terms`: verdict or departs/mismatch, points, how many; out of
    `grade_max`), for the pages that say the rule in their language (feedback.rule_text)."""
    for entry in report["submissions"]:
        entry["grade"], entry["grade_rule"] = grade(entry, grading)
        entry["grade_terms"] = [list(term) for term in terms(entry, grading)]
        entry["grade_max"] = grading.max


def _stamp() -> str:
    """When the grades were given, as Moodle's worksheet writes a time (its import needs one
    where a grade had none): SOURCE_DATE_EPOCH, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        if epoch.isdigit()
        else dt.datetime.now(dt.UTC)
    )
    return f"{when:%A}, {when.day} {when:%B %Y}, {when.hour % 12 or 12}:{when:%M %p}"


def comment(entry: dict[str, Any]) -> str:
    """The one line a gradebook's feedback cell gets: the verdict and the grade's rule."""
    return f"reportgen verify: {LABELS[entry['verdict']]}. Grade: {entry['grade_rule']}"


def add_lateness(report: dict[str, Any], late: dict[str, bool]) -> None:
    """Moodle's submissions: `late` as the worksheet's status says (participant id -> late),
    where the download's names did not say."""
    for entry in report["submissions"]:
        if entry.get("lms") == "moodle" and entry.get("late") is None:
            entry["late"] = late.get(entry.get("student_id") or "")


def write_gradebook(
    report: dict[str, Any],
    downloaded: Path,
    folder: Path,
    assignment: str | None,
    grading: GradingConfig,
) -> tuple[Path, list[str]]:
    """The gradebook `downloaded` with the grades written (on its column's own maximum), as
    folder/<its name>; and lines for the console. Needs grades (add_grades) and one LMS's
    download; a Moodle worksheet's statuses also give its submissions `late` (before the
    summary is written)."""
    lmss = {e["lms"] for e in report["submissions"] if e.get("lms")}
    if len(lmss) != 1:
        what = ", ".join(sorted(lmss)) or "no LMS download"
        raise ReportgenError(
            f"--gradebook writes one LMS's gradebook; this class is {what}: give one Canvas, "
            "Moodle or Blackboard download"
        )
    target = folder / downloaded.name
    if target.resolve() == downloaded.resolve():
        raise ReportgenError(
            f"--summary {folder} holds the gradebook {downloaded.name}: pick another folder"
        )
    sheet = read_sheet(downloaded)
    chosen = graded(report["submissions"])
    grades = {sid: (e["grade"], e["grade_rule"]) for (_, sid), e in chosen.items()}
    if lmss == {"canvas"}:
        written = canvas.write(sheet, grades, assignment, plain, scaler(grading))
    elif lmss == {"blackboard"}:
        written = blackboard.write(sheet, grades, assignment, scaler(grading))
    else:
        by_id = {sid: e for (_, sid), e in chosen.items()}
        written = moodle.write(
            sheet, grades, _stamp(), plain, lambda pid: comment(by_id[pid]), scaler(grading)
        )
        add_lateness(report, moodle.lateness(sheet))
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, sheet.encoded(written.text))
    lines = [f"wrote {target}: {len(written.graded)} grade(s) in '{written.column.lstrip(BOM)}'"]
    if written.missing:
        lines.append(
            f"not in the gradebook (not graded): student id(s) {', '.join(written.missing)}"
        )
    by_student = {sid: e for (_, sid), e in chosen.items()}
    for sid in written.missing:
        why = f"student id {sid} is not in {downloaded.name}: grade them by hand in the LMS"
        output_failed(by_student[sid], "its gradebook row", why)
    for sid, why in written.failed.items():
        output_failed(by_student[sid], "its gradebook row", why)
    return target, lines
