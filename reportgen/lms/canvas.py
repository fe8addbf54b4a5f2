"""Grades into Canvas's gradebook CSV as Canvas exports it (lib/gradebook_exporter.rb) and takes
it back (lib/gradebook_importer.rb).

A real export: `Student` (or `LastName`, `FirstName`), `ID`, optional `SIS User ID`,
`SIS Login ID`, `Integration ID`, `Root Account`, `Section`, the course's custom columns, then
one column per assignment `{title} ({assignment id})`, then the totals (per assignment group and
for the course: `Current Points`, `Final Score`, `Unposted ...`, `Current Grade`, `Override ...`).
Under the header a `Manual Posting` (older: `Muted`) row may stand, then `    Points Possible`:
each assignment's points (`10.00`, `"0,0"` with decimal commas) and `(read only)`, in the
interface's language (`(läs endast)`), under every column the importer will not change. A student
is found by `ID`, the user id of the download's names. Files made by hand for import may lack the
assignment ids and the points row: there a column is chosen by its exact title."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from .gradebook import Scale, Written, fill_column
from .sheet import Sheet

CANVAS_ASSIGNMENT = re.compile(r"(?P<title>.+) \((?P<id>\d+)\)")
# the columns before the custom columns and the assignments (the importer's reserved names)
STUDENT_COLUMNS = ("Student", "LastName", "FirstName", "ID", "SIS User ID", "SIS Login ID",
                   "Integration ID", "Root Account", "Section")  # fmt: skip
# totals and overrides, which Canvas's importer never reads as assignments (found anywhere in
# a header: `Unposted Final Score`, `{group} Current Points`, `Current Score ({period})`)
NOT_ASSIGNMENTS = re.compile(
    "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
    "Override Score|Override Grade|Override Status"
)
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
EXPORT_LOOKS = (
    "a Canvas export, Grades > Export > CSV File, names each assignment 'Title (12345)' after "
    "Student, ID and Section"
)


@dataclass
class Layout:
    """Where the parts of a Canvas gradebook are: the `ID` column, the `Points Possible` row
    (None: the file has none), the columns that could be assignments (column -> header) and
    whether those carry Canvas's assignment ids."""

    id_col: int
    points_row: int | None
    choices: dict[int, str]
    with_ids: bool


def number(text: str) -> float | None:
    """A number as Canvas writes one (`10.00`, `0,0`); None for anything else."""
    text = text.strip()
    return float(text.replace(",", ".")) if _NUMBER.fullmatch(text) else None


def is_gradebook(sheet: Sheet) -> bool:
    """Whether `sheet`'s header is Canvas's, as its importer tells: `Student`, `ID`, ... or
    `LastName`, `FirstName`, `ID`, ..."""
    header = [sheet.value(0, c) for c in range(min(len(sheet.rows[0]), 3))] + ["", "", ""]
    return ("Student" in header[0] and "ID" in header[1]) or (
        "LastName" in header[0] and "FirstName" in header[1] and "ID" in header[2]
    )


def layout(sheet: Sheet) -> Layout:
    """The parts of Canvas's gradebook `sheet`; an InputError where it has no `ID` column."""
    header = [sheet.value(0, c).strip() for c in range(len(sheet.rows[0]))]
    if "ID" not in header:
        raise InputError(f"{sheet.name} has no ID column: is it Canvas's gradebook export?")
    id_col = header.index("ID")
    points_row = next(
        (r for r in range(1, len(sheet.rows)) if "Points Possible" in sheet.value(r, 0)), None
    )
    reserved = [c for c, h in enumerate(header) if h in STUDENT_COLUMNS]
    first = header.index("Section") + 1 if "Section" in header else max(reserved) + 1
    choices = {}
    for c in range(max(first, id_col + 1), len(header)):
        points = sheet.value(points_row, c).strip() if points_row is not None else ""
        read_only = points != "" and number(points) is None  # `(read only)` in any language
        if header[c] and not read_only and not NOT_ASSIGNMENTS.search(header[c]):
            choices[c] = header[c]
    with_ids = {c: h for c, h in choices.items() if CANVAS_ASSIGNMENT.fullmatch(h)}
    return Layout(id_col, points_row, with_ids or choices, bool(with_ids))


def _matches(header: str, wanted: str, with_ids: bool) -> bool:
    """Whether `--assignment wanted` names the column `header`: by its header, title or id in
    an export; by its exact title in a file without ids."""
    wanted = wanted.strip().casefold()
    if not with_ids:
        return header.casefold() == wanted
    m = CANVAS_ASSIGNMENT.fullmatch(header)
    return wanted in (header.casefold(), m["title"].casefold(), m["id"])


def pick(sheet: Sheet, found: Layout, wanted: str | None) -> int:
    """The assignment column: the one there is, or the one `wanted` names (see _matches)."""
    if wanted:
        hits = [c for c, h in found.choices.items() if _matches(h, wanted, found.with_ids)]
        if len(hits) == 1:
            return hits[0]
    elif len(found.choices) == 1:
        return next(iter(found.choices))
    listed = "; ".join(found.choices.values()) or "none"
    what = f"no assignment column {wanted!r}" if wanted else "more than one assignment column"
    if found.with_ids:
        raise InputError(
            f"{sheet.name}: {what} (its assignments: {listed}): pick one with --assignment NAME|ID"
        )
    raise InputError(
        f"{sheet.name}: {what}, and its headers carry no assignment ids ({EXPORT_LOOKS}); its "
        f"columns that could be assignments: {listed}: give one's exact title with --assignment"
    )


def excused(cell: str) -> str | None:
    """Why a grade cell stays: Canvas writes an excused student's grade as `EX`, and its
    importer reads a number there as lifting the excuse."""
    if cell.strip().upper() == "EX":
        return "excused in the gradebook (EX), kept: lift the excuse in Canvas to grade it"
    return None


def write(sheet: Sheet, grades: dict[str, tuple[float, str]], wanted: str | None,
          plain: Callable[[float, str], str], scale: Scale) -> Written:  # fmt: skip
    """Canvas's gradebook `sheet` with each student's grade (`grades`: user id -> (points out
    of the course's max, rule)) in the assignment's column, on that column's `Points Possible`
    (through `scale`, called before any cell is edited: its InputError refuses the file whole)."""
    found = layout(sheet)
    col = pick(sheet, found, wanted)
    points = sheet.value(found.points_row, col) if found.points_row is not None else ""
    on_column = scale(number(points), found.choices[col])
    mark = sheet.decimal_mark()
    out = Written("", column=found.choices[col])
    fill_column(
        sheet, col,
        # '' on Manual Posting/Muted rows; the points row holds no student
        lambda r: None if r == found.points_row else sheet.value(r, found.id_col).strip(),
        grades, lambda points: plain(on_column(points), mark), out, excused,
    )  # fmt: skip
    return out
