"""Grades into Moodle's grading worksheet (offline grading, importgradeslib.php): `Identifier`
(`Participant {pid}`), `Full name`, ..., `Status`, `Grade`, `Maximum Grade`, ...,
`Last modified (grade)`, `Feedback comments`. The headers are in the instructor's interface
language: a column is found by its header where the word is known (moodle_words.HEADERS), else
by content and position: the identifier first, the maximum grade a column of one number, the
grade just before it, the grade's last change a header ending `({the grade's header})`, the
feedback comments right after it (or last)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..errors import InputError, one_line
from .gradebook import Scale, Written
from .moodle_words import LATE, meaning
from .sheet import Sheet

# a word and the participant id, with or without a space: `Participant 12`, `Teilnehmer/in12`
IDENTIFIER = re.compile(r"\D*?[^\W\d_]\D*?(\d+)")
_NUMBER = re.compile(r"(\d+)(?:([.,])(\d+))?")
_EMPTY = ("", "-")
# reportgen's own line in a comment, as an earlier run wrote it (up to the end of its line)
OWN_LINE = re.compile(r"reportgen verify:[^\r\n<]*")


def _header(sheet: Sheet) -> list[str]:
    return [sheet.value(0, c).strip() for c in range(len(sheet.rows[0]))]


def is_worksheet(sheet: Sheet) -> bool:
    """True when the first column holds Moodle's identifiers (a word and a number) only, and no
    later column is Canvas's `ID` (a Canvas class of `Student 1`, `Student 2`, ...)."""
    ids = [v.strip() for v in sheet.column(0) if v.strip()]
    later = _header(sheet)[1:]
    return bool(ids) and all(IDENTIFIER.fullmatch(v) for v in ids) and "ID" not in later


def _one_number(sheet: Sheet, col: int) -> bool:
    values = {v.strip() for v in sheet.column(col)}
    return len(values) == 1 and bool(_NUMBER.fullmatch(values.pop()))


def columns(sheet: Sheet) -> dict[str, int]:
    """Where the worksheet keeps id, grade, max, modified, feedback and status (those found)."""
    header = _header(sheet)
    cols: dict[str, int] = {}
    for c, h in enumerate(header):
        said = meaning(h)
        if said and said not in cols:
            cols[said] = c
    cols.setdefault("id", 0)
    if "max" not in cols:
        found = [c for c in range(cols["id"] + 1, len(header)) if _one_number(sheet, c)]
        if found:
            cols["max"] = found[0]
    if "grade" not in cols and "max" in cols:
        cols["grade"] = cols["max"] - 1
    if "modified" not in cols and "grade" in cols:  # `Senast modifierat (betyg)`, any language
        own = f"({header[cols['grade']].casefold()})"
        dated = [c for c, h in enumerate(header) if h.casefold().endswith(own)]
        if dated:
            cols["modified"] = dated[-1]
    if "feedback" not in cols:
        if "modified" in cols and cols["modified"] + 1 < len(header):
            cols["feedback"] = cols["modified"] + 1
        elif "max" in cols and len(header) >= cols["max"] + 5:  # can be changed, two dates
            cols["feedback"] = len(header) - 1
            cols.setdefault("modified", cols["feedback"] - 1)
    if "grade" not in cols or not is_worksheet(sheet) or cols["id"] != 0:
        raise InputError(
            f"{sheet.name} is not Moodle's grading worksheet (an identifier like 'Participant 12' "
            "first, a grade before the maximum grade): download it again from the assignment"
        )
    return cols


def _maximum(text: str) -> float | None:
    """The worksheet's maximum grade `100`, `100.00` or `100,00`; None where the cell has none."""
    found = _NUMBER.fullmatch(text.strip())
    return float(f"{found[1]}.{found[3] or 0}") if found else None


def _decimal_mark(sheet: Sheet, cols: dict[str, int]) -> str:
    """The mark the maximum grade is written with (`100,00`: ','), else the file's own."""
    written = (
        [_NUMBER.fullmatch(v.strip()) for v in sheet.column(cols["max"])] if "max" in cols else []
    )
    marks = [found[2] for found in written if found and found[2]]
    return marks[0] if marks else sheet.decimal_mark()


def lateness(sheet: Sheet) -> dict[str, bool]:
    """Participant id -> whether the status says the submission was late; only for a worksheet
    whose status column is named in a language reportgen knows (moodle_words), else empty."""
    cols = columns(sheet)
    if "status" not in cols:
        return {}
    out = {}
    for r in range(1, len(sheet.rows)):
        found = IDENTIFIER.fullmatch(sheet.value(r, cols["id"]).strip())
        if found:
            out[found[1]] = bool(LATE.search(sheet.value(r, cols["status"])))
    return out


def with_earlier(old: str, line: str) -> str:
    """The feedback comment `old` with reportgen's `line`: an earlier reportgen line replaced
    where it stood, else the line added after the instructor's words, on a line of its own."""
    first = OWN_LINE.search(old)
    if first:  # a second run over the worksheet it wrote: only its own line changes
        return old[: first.start()] + line + OWN_LINE.sub("", old[first.end() :])
    if not old.strip():
        return line
    newline = "\r\n" if "\r\n" in old else "\n"
    return old + ("" if old.endswith("\n") else newline) + line


def write(
    sheet: Sheet,
    grades: dict[str, tuple[float, str]],
    stamp: str,
    plain: Callable[[float, str], str],
    comment: Callable[[str], str],
    scale: Scale,
) -> Written:
    """The worksheet with each participant's grade on the worksheet's own maximum (scale), the
    comment kept and reportgen's line added, an empty grade date stamped. The maximum is
    reconciled before any cell is edited: a refusal (InputError) refuses the worksheet whole."""
    cols = columns(sheet)
    title = sheet.value(0, cols["grade"])
    maxima = {
        r: _maximum(sheet.value(r, cols["max"])) if "max" in cols else None
        for r in range(1, len(sheet.rows))
    }
    scaled = {
        sheet.value(r, cols["max"]).strip() for r in maxima if "max" in cols and maxima[r] is None
    } - set(_EMPTY)
    if scaled:  # a scale's words (`Godkänd`), no points: Moodle's import reads a word there
        raise InputError(
            f"the worksheet's '{title}' is graded on a scale (its maximum reads "
            f"'{sorted(scaled)[0]}'), not in points: give the assignment a point grade in "
            "Moodle, or grade by hand"
        )
    # every maximum of the worksheet reconciled (or refused) before a cell is edited
    on_sheet = {m: scale(m, title) for m in sorted(set(maxima.values()), key=str)}
    out = Written("", column=title)
    mark = _decimal_mark(sheet, cols)
    changes: dict[tuple[int, int], str] = {}
    seen = set()
    for r in range(1, len(sheet.rows)):
        match = IDENTIFIER.fullmatch(sheet.value(r, cols["id"]).strip())
        if not match or match[1] not in grades or cols["grade"] >= len(sheet.rows[r]):
            continue
        pid = match[1]
        seen.add(pid)
        try:
            points = on_sheet[maxima[r]](grades[pid][0])
            row = {(r, cols["grade"]): plain(points, mark)}
            if "feedback" in cols and cols["feedback"] < len(sheet.rows[r]):
                line = comment(pid)
                if maxima[r] is not None and points != grades[pid][0]:
                    line += f" (on the worksheet: {plain(points, '.')} of {plain(maxima[r], '.')})"
                row[(r, cols["feedback"])] = with_earlier(sheet.value(r, cols["feedback"]), line)
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
