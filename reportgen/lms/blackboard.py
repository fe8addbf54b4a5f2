"""Grades into Blackboard's Grade Center download (Grade Center > Work Offline > Download), the
file its upload takes back: `"Last Name","First Name","Username","Student ID","Last Access",
"Availability"`, then one column per item, `Name [Total Pts: 10 Score] |123456` (calculated
columns, the totals: `[Total Pts: up to 505]`); every field quoted, LF, a BOM, scores `"7.00"`.
The upload finds a student by `Username` (the download's names carry it) and a column by its
`|id`; the other columns it is given are left as they are, so they are kept byte for byte."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ..errors import InputError
from .gradebook import Scale, Written, fill_column
from .sheet import Sheet

GRADE_CENTER_COLUMN = re.compile(
    r"(?P<name>.*?) \[Total Pts: (?P<upto>up to )?(?P<max>\d+(?:[.,]\d+)?)(?: (?P<shown>[^\]]*))?\]"
    r" \|(?P<id>\d+)"
)
USERNAME = "Username"
DOWNLOAD = "Grade Center > Work Offline > Download, the full Grade Center as a comma-separated file"


def is_grade_center(sheet: Sheet) -> bool:
    """Whether `sheet` is a Grade Center download: a column `Name [Total Pts: N] |id`."""
    return any(
        GRADE_CENTER_COLUMN.fullmatch(sheet.value(0, c).strip()) for c in range(len(sheet.rows[0]))
    )


def two_decimals(points: float, decimal_mark: str = ".") -> str:
    """A score as the Grade Center writes its own: two decimals (`7.50`), half up."""
    text = str(Decimal(str(points)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    return text.replace(".", decimal_mark)


def _items(sheet: Sheet) -> dict[int, re.Match[str]]:
    """The columns a grade can go into: the items, not the calculated totals (`up to`)."""
    out = {}
    for c in range(len(sheet.rows[0])):
        m = GRADE_CENTER_COLUMN.fullmatch(sheet.value(0, c).strip())
        if m and not m["upto"]:
            out[c] = m
    return out


def pick(sheet: Sheet, items: dict[int, re.Match[str]], wanted: str | None) -> int:
    """The item's column: the one there is, or the one `wanted` names (its `|id`, its name or
    its whole header)."""
    if wanted:
        key = wanted.strip().casefold()
        hits = [c for c, m in items.items() if key in (m["id"], m["name"].casefold(),
                                                       m[0].casefold())]  # fmt: skip
        if len(hits) == 1:
            return hits[0]
    elif len(items) == 1:
        return next(iter(items))
    listed = "; ".join(f"{m['name']} |{m['id']}" for m in items.values()) or "none"
    what = f"no Grade Center column {wanted!r}" if wanted else "more than one Grade Center column"
    raise InputError(
        f"{sheet.name}: {what} (its items: {listed}): pick one with --assignment NAME|ID"
    )


def write(sheet: Sheet, grades: dict[str, tuple[float, str]], wanted: str | None,
          scale: Scale) -> Written:  # fmt: skip
    """The Grade Center download `sheet` with each student's grade (`grades`: username ->
    (points out of the course's max, rule)) in the item's column, on its `[Total Pts: N]`
    (through `scale`, called before any cell is edited: its InputError refuses the file whole),
    written as Blackboard writes scores: two decimals, in the cell's own quotes."""
    header = [sheet.value(0, c).strip() for c in range(len(sheet.rows[0]))]
    if USERNAME not in header:
        raise InputError(
            f"{sheet.name} has no Username column: is it Blackboard's Grade Center download? "
            f"({DOWNLOAD})"
        )
    user_col = header.index(USERNAME)
    items = _items(sheet)
    col = pick(sheet, items, wanted)
    item = items[col]
    on_column = scale(float(item["max"].replace(",", ".")), item["name"])
    mark = sheet.decimal_mark()
    out = Written("", column=header[col])
    fill_column(
        sheet, col, lambda r: sheet.value(r, user_col).strip(), grades,
        lambda points: two_decimals(on_column(points), mark), out,
    )  # fmt: skip
    return out
