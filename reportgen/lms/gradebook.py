"""What a gradebook writer hands back (Written), shared by the LMSs' writers: Canvas's gradebook
(canvas.py), Moodle's grading worksheet (moodle.py); each edits the file the instructor downloaded
so that only the assignment's grade cells change (and Moodle's feedback comments)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
