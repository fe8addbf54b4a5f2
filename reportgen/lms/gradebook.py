"""Grades back into the gradebook the instructor downloaded: only the assignment's grade cells
change (and Moodle's feedback comments); the LMS imports the file it handed out.

- Canvas (lib/gradebook_importer.rb): `Student`, `ID`, optional SIS and integration columns,
  `Section`, then `{title} ({assignment id})` per assignment; an optional `Points Possible` row.
  A student is found by `ID`, the user id of the download's names.
- Moodle's grading worksheet: `Identifier` (`Participant {pid}`), `Full name`, ..., `Grade`,
  `Maximum Grade`, ..., `Last modified (grade)`, `Feedback comments`. The headers are in the
  instructor's language, so the columns are found by content and position where the English
  names are absent: the identifier first, the grade just before the maximum grade (a column
  of one number), the feedback comments last, the grade's last change before them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, one_line
from .sheet import Sheet

CANVAS_ASSIGNMENT = re.compile(r"(?P<title>.+) \((?P<id>\d+)\)")
_PARTICIPANT = re.compile(r"\D*?(\d+)")
_EMPTY = ("", "-")


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


def _pick(choices: dict[int, str], wanted: str | None, sheet: Sheet) -> int:
    """The assignment column: the one there is, or the one `wanted` names (title or id)."""
    if wanted:
        names = {c: CANVAS_ASSIGNMENT.fullmatch(h) for c, h in choices.items()}
        found = [
            c
            for c, m in names.items()
            if wanted.casefold() in (m[0].casefold(), m["title"].casefold(), m["id"])
        ]
        if len(found) == 1:
            return found[0]
    elif len(choices) == 1:
        return next(iter(choices))
    listed = "; ".join(choices.values()) or "none"
    what = f"no assignment column {wanted!r}" if wanted else "more than one assignment column"
    raise InputError(
        f"{sheet.name}: {what} (its assignments: {listed}): pick one with --assignment NAME|ID"
    )


def canvas(sheet: Sheet, grades: dict[str, tuple[float, str]], wanted: str | None,
           plain: Callable[[float, str], str]) -> Written:  # fmt: skip
    header = [sheet.value(0, c) for c in range(len(sheet.rows[0]))]
    if "ID" not in header:
        raise InputError(f"{sheet.name} has no ID column: is it Canvas's gradebook export?")
    id_col = header.index("ID")
    choices = {c: h for c, h in enumerate(header) if c > id_col and CANVAS_ASSIGNMENT.fullmatch(h)}
    col = _pick(choices, wanted, sheet)
    mark = sheet.decimal_mark()
    out = Written("", column=header[col])
    changes, seen = {}, set()
    for r in range(1, len(sheet.rows)):
        if sheet.value(r, 0).strip() == "Points Possible" or col >= len(sheet.rows[r]):
            continue
        student = sheet.value(r, id_col).strip()
        if student in grades:
            seen.add(student)
            try:
                changes[(r, col)] = plain(grades[student][0], mark)
            except Exception as exc:  # noqa: BLE001 (this student's row alone)
                out.failed[student] = one_line(exc)
                continue
            out.graded.append(student)
    out.missing = sorted(set(grades) - seen)
    out.text = sheet.edited(changes)
    return out


def _moodle_columns(sheet: Sheet) -> dict[str, int]:
    header = [sheet.value(0, c).strip() for c in range(len(sheet.rows[0]))]
    names = {"Identifier": "id", "Grade": "grade", "Maximum Grade": "max",
             "Last modified (grade)": "modified", "Feedback comments": "feedback"}  # fmt: skip
    cols = {names[h]: c for c, h in enumerate(header) if h in names}
    cols.setdefault("id", 0)
    if "max" not in cols:
        for c in range(2, len(header)):
            values = {v.strip() for v in sheet.column(c)}
            if len(values) == 1 and re.fullmatch(r"\d+([.,]\d+)?", values.pop()):
                cols["max"] = c
                break
    if "max" in cols:
        cols.setdefault("grade", cols["max"] - 1)
        if len(header) >= cols["max"] + 5:  # grade can be changed, two dates: then comments
            cols.setdefault("feedback", len(header) - 1)
            cols.setdefault("modified", cols["feedback"] - 1)
    ids = sheet.column(cols["id"])
    if "grade" not in cols or not ids or not all(_PARTICIPANT.fullmatch(v) for v in ids if v):
        raise InputError(
            f"{sheet.name} is not Moodle's grading worksheet (an identifier like 'Participant 12' "
            "first, a grade before the maximum grade): download it again from the assignment"
        )
    return cols


def moodle(
    sheet: Sheet,
    grades: dict[str, tuple[float, str]],
    stamp: str,
    plain: Callable[[float, str], str],
    comment: Callable[[str], str],
) -> Written:
    cols = _moodle_columns(sheet)
    mark = sheet.decimal_mark()
    out = Written("", column=sheet.value(0, cols["grade"]))
    changes: dict[tuple[int, int], str] = {}
    seen = set()
    for r in range(1, len(sheet.rows)):
        match = _PARTICIPANT.fullmatch(sheet.value(r, cols["id"]).strip())
        if not match or match[1] not in grades or cols["grade"] >= len(sheet.rows[r]):
            continue
        pid = match[1]
        seen.add(pid)
        try:
            row = {(r, cols["grade"]): plain(grades[pid][0], mark)}
            if "feedback" in cols and cols["feedback"] < len(sheet.rows[r]):
                row[(r, cols["feedback"])] = comment(pid)
        except Exception as exc:  # noqa: BLE001 (this student's row alone)
            out.failed[pid] = one_line(exc)
            continue
        changes.update(row)
        modified = cols.get("modified")
        filled = modified is None or modified >= len(sheet.rows[r])
        if not filled and sheet.value(r, modified).strip() in _EMPTY:
            changes[(r, modified)] = stamp
        out.graded.append(pid)
    out.missing = sorted(set(grades) - seen)
    out.text = sheet.edited(changes)
    return out


def summary_of(written: Written) -> dict[str, Any]:
    return {"column": written.column, "graded": len(written.graded), "missing": written.missing}
