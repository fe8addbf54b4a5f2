"""One verdict per submission, a summary, and what exits 1.

JSON shape: {"submissions": [{"path", "author", "verdict", "checks", "details"}],
"summary": {verdict: count}}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
