"""One verdict per submission, a summary, and the exit code.

JSON shape: {"submissions": [{"path", "author", "verdict", "checks", "details"}],
"summary": {verdict: count}}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VERDICTS = ("reproduced", "within_tolerance", "differs", "tampered", "error")


@dataclass(frozen=True)
class Options:
    data_dir: str | None = None
    tolerance: float = 1e-6
    use_cache: bool = True


def exit_code(report: dict[str, Any], fail_on: list[str] | None = None) -> int:
    """2: every submission an error. Without `fail_on`: 0 when every submission reproduced
    (or within tolerance), else 1. With it (differs, departs, tampered): 1 when any submission
    shows one of those, else 0."""
    entries = report["submissions"]
    if entries and all(e["verdict"] == "error" for e in entries):
        return 2
    if not fail_on:
        return 0 if all(e["verdict"] in ("reproduced", "within_tolerance") for e in entries) else 1
    failing = {
        "differs": lambda e: e["verdict"] == "differs",
        "tampered": lambda e: e["verdict"] == "tampered",
        "departs": lambda e: bool(e.get("departs")),
    }
    return 1 if any(failing[f](e) for f in fail_on for e in entries) else 0
