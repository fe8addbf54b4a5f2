"""A verified class with its LMS side: each submission named as the download names it, the
student it was handed in for, whether its title page names that student (lms.identity), its
departures from the course, and an error's reason in one line."""

from __future__ import annotations

from typing import Any

from ..errors import ReportgenError
from ..lms.identity import identity
from ..lms.intake import Intake, lms_keys
from .course import departures
from .outcome import VERDICTS, Checked


def with_students(checked: Checked, intake: Intake, course: dict[str, Any] | None) -> Checked:
    """`checked` (its entries keyed by the paths on disk) as the user names them, with the keys
    lms, student_id, student_name, late, attempt, latest, entry and identity; an error's last
    detail as its `reason`; a download's refused entries as errors, its skipped ones counted."""
    report = checked.report
    items = {item.path: item for item in intake.items}
    done = report["submissions"]
    for entry in done:
        item = items[entry["path"]]
        shown = item.shown
        checked.diffs[shown] = checked.diffs.pop(entry["path"], "")
        if entry["path"] in checked.regenerated:
            checked.regenerated[shown] = checked.regenerated.pop(entry["path"])
        if shown != entry["path"]:  # a download's entry: its temporary path is no name to show
            entry["details"] = [d.replace(entry["path"], shown) for d in entry["details"]]
        entry["path"] = shown
        entry.update(lms_keys(item))
        entry["identity"] = identity(entry.get("author"), entry["student_name"], entry["lms"])
    for item in intake.refused:
        done.append(
            {"path": item.shown, "author": None, "verdict": "error", "checks": {},
             "details": [f"refused: {item.problem}"], "seconds": 0.0, "group": None,
             **lms_keys(item), "identity": "unknown"}
        )  # fmt: skip
    for entry in done:
        if entry["verdict"] == "error":
            entry["reason"] = entry["details"][-1] if entry["details"] else "unknown"
        if course is not None:
            entry["departs"] = departures(course, entry["config"]) if entry.get("config") else []
    if not done and not report["interrupted"]:
        raise ReportgenError(
            "no report PDFs found in what was given: give PDFs or folders, or an LMS download"
        )
    if len(done) == 1 and done[0]["verdict"] == "error" and not intake.skipped:
        where = f"{done[0]['path']}: " if len(intake.items) != 1 else ""
        raise ReportgenError(where + done[0]["reason"])  # one line, exit 2
    counts = {v: sum(e["verdict"] == v for e in done) for v in VERDICTS}
    report["summary"] = {k: n for k, n in counts.items() if n}
    report["total"] += len(intake.refused)
    report["skipped"] = dict(sorted(intake.skipped.items()))
    return checked
