"""What a gradebook writer hands back (Written) and the column filler shared by the LMSs'
writers: Canvas's gradebook (canvas.py), Moodle's grading worksheet (moodle.py), Blackboard's
Grade Center (blackboard.py); each edits the file the instructor downloaded so that only the
assignment's grade cells change (and Moodle's feedback comments)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import one_line
from .sheet import Sheet

# A writer's way to put a course grade (points out of [grading] max) on its column's scale:
# scale(the column's own maximum, or None where the file states none; the column's title)
# -> points out of that maximum. It raises InputError (one line naming both maxima) where they
# differ and the course forbids scaling, or where the file's maximum is 0: a writer calls it
# once per column, before it edits a cell, so a refused gradebook is refused whole.
Scale = Callable[[float | None, str], Callable[[float], float]]


@dataclass
class Written:
    """The gradebook's new text and what was done: students graded, those of the download that
    the gradebook lacks, and those whose row could not be written (student id -> why): one
    student's row never stops the others'."""

    text: str
    graded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    column: str = ""
    failed: dict[str, str] = field(default_factory=dict)


def summary_of(written: Written) -> dict[str, Any]:
    return {"column": written.column, "graded": len(written.graded), "missing": written.missing}


def fill_column(
    sheet: Sheet,
    col: int,
    student_of: Callable[[int], str | None],
    grades: dict[str, tuple[float, str]],
    cell: Callable[[float], str],
    out: Written,
    kept: Callable[[str], str | None] = lambda _: None,
) -> None:
    """Each graded student's cell of column `col` (the row's student: `student_of(row)`, None on
    rows that hold no student) written as `cell(points)`, unless `kept(its text)` says why the
    instructor's cell stays (Canvas's `EX`, excused); `out` gets the new text, who was graded,
    who the file lacks, and whose cell failed or was kept (one student's row never stops the
    others'). Every other cell stays as it came."""
    changes: dict[tuple[int, int], str] = {}
    seen = set()
    for r in range(1, len(sheet.rows)):
        student = student_of(r)
        if student is None or student not in grades or col >= len(sheet.rows[r]):
            continue
        seen.add(student)
        why = kept(sheet.value(r, col))
        if why:
            out.failed[student] = why
            continue
        try:
            changes[(r, col)] = cell(grades[student][0])
        except Exception as exc:  # noqa: BLE001 (this student's row alone)
            out.failed[student] = one_line(exc)
            continue
        out.graded.append(student)
    out.missing = sorted(set(grades) - seen)
    out.text = sheet.edited(changes)
