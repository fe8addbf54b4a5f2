"""One verdict per submission, a summary, and what exits 1.

JSON shape: {"submissions": [{"path", "author", "verdict", "checks", "details"}],
"summary": {verdict: count}}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import one_line
from ..untrusted import clean_data, clean_text

# unverifiable: no attachments, so nothing to regenerate; only the pages' arithmetic is checked
VERDICTS = ("reproduced", "within_tolerance", "differs", "tampered", "unverifiable", "error")
PASSED = ("reproduced", "within_tolerance")


@dataclass(frozen=True)
class Options:
    data_dir: str | None = None
    tolerance: float = 1e-6
    use_cache: bool = True


@dataclass
class Checked:
    """A verified class: `report` (the JSON report: submissions, summary, builds, groups,
    interrupted, total), and what only the class summary's pages show, per submission's path:
    `diffs` (an HTML diff of its results against the rebuilt ones) and `regenerated` (the
    report regenerated from its attachments, where that is not its PDF)."""

    report: dict[str, Any]
    diffs: dict[str, str] = field(default_factory=dict)
    regenerated: dict[str, bytes] = field(default_factory=dict)


def findings(report: dict[str, Any]) -> list[set[str]]:
    """What each submission shows, for errors.exit_code: its verdict, "departs" when it departs
    from the course, "unexplained" when it changed since the earlier check (--previous) for no
    cause found, and "any" when it did not pass (reproduced or within tolerance)."""
    changes = report.get("changes", {}).get("submissions", [])
    unexplained = {r["path"] for r in changes if r["status"] == "unexplained"}
    return [
        {e["verdict"]}
        | ({"departs"} if e.get("departs") else set())
        | ({"unexplained"} if e["path"] in unexplained else set())
        | (set() if e["verdict"] in PASSED else {"any"})
        for e in report["submissions"]
    ]


def output_failed(entry: dict[str, Any], what: str, problem: object) -> str:
    """Record on a submission's entry that `what` of its outputs (its feedback PDF, its summary
    page, its gradebook row) was not written, and why; the line, for the console. The class's
    other outputs are written all the same, and the exit code is not 0 (failed_outputs)."""
    line = f"{what} not written: {one_line(problem)}"
    entry.setdefault("output_errors", []).append(line)
    return line


def failed_outputs(report: dict[str, Any]) -> int:
    """How many submissions had an output that could not be written."""
    return sum(bool(e.get("output_errors")) for e in report["submissions"])


def clean_report(checked: Checked) -> None:
    """Every string of a verified class (what was read from the submissions: authors, details,
    text changes, file names) cleaned before any writer, renderer or terminal gets it
    (untrusted.clean_data): the class's outputs never fail on one student's text."""
    checked.report.update(clean_data(checked.report))
    checked.diffs = clean_data(checked.diffs)
    checked.regenerated = {clean_text(k): pdf for k, pdf in checked.regenerated.items()}
