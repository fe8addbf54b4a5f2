"""Grades into Canvas's gradebook CSV (lib/gradebook_importer.rb): `Student`, `ID`, optional SIS
and integration columns, `Section`, then `{title} ({assignment id})` per assignment; an optional
`Points Possible` row. A student is found by `ID`, the user id of the download's names."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import InputError, one_line
from .gradebook import Written
from .sheet import Sheet

CANVAS_ASSIGNMENT = re.compile(r"(?P<title>.+) \((?P<id>\d+)\)")


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


def write(sheet: Sheet, grades: dict[str, tuple[float, str]], wanted: str | None,
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
