"""Grades into Moodle's grading worksheet (offline grading, importgradeslib.php): `Identifier`
(`Participant {pid}`), `Full name`, ..., `Grade`, `Maximum Grade`, ..., `Last modified (grade)`,
`Feedback comments`. The headers are in the instructor's language, so the columns are found by
content and position where the English names are absent: the identifier first, the grade just
before the maximum grade (a column of one number), the feedback comments last, the grade's last
change before them."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import InputError, one_line
from .gradebook import Written
from .sheet import Sheet

_PARTICIPANT = re.compile(r"\D*?(\d+)")
_EMPTY = ("", "-")


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


def write(
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
