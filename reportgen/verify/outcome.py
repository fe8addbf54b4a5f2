"""One verdict per submission, a summary, and the exit code.

JSON shape: {"submissions": [{"path", "author", "verdict", "checks", "details"}],
"summary": {verdict: count}}.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReportgenError

VERDICTS = ("reproduced", "within_tolerance", "differs", "tampered", "error")


@dataclass(frozen=True)
class Options:
    data_dir: str | None = None
    tolerance: float = 1e-6
    use_cache: bool = True


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def verify_submission(
    path: Path, options: Options, cache: Any, progress: Callable[..., None]
) -> dict[str, Any]:
    """Integrity, then reproduction (unless the PDF was tampered with): one entry."""
    from ..submission import read_submission
    from .integrity import check_integrity
    from .reproduction import reproduce

    t0 = time.perf_counter()
    entry: dict[str, Any] = {
        "path": str(path),
        "author": None,
        "verdict": "error",
        "checks": {},
        "details": [],
    }
    try:
        sub = read_submission(path)
        entry["author"] = sub.author
        entry["checks"]["attachments"] = "tampered" if sub.problems else "ok"
        integrity = check_integrity(sub)
        entry["checks"]["integrity"] = integrity.status
        entry["details"] += integrity.details
        entry["text_changes"] = integrity.changes
        entry["checks"]["render_environment"] = integrity.environment or "same"
        if integrity.status == "tampered":
            entry["verdict"] = "tampered"
            entry["details"].append("reproduction not run: the PDF was changed after the build")
        else:
            outcome = reproduce(sub.results, options.data_dir, cache, options.tolerance, progress)
            entry["checks"]["reproduction"] = outcome.status
            entry["checks"]["data"] = outcome.data
            entry["checks"]["analysis_environment"] = outcome.environment or "same"
            entry["details"] += outcome.details
            entry["verdict"] = outcome.status
    except ReportgenError as exc:
        entry["verdict"] = "error"
        entry["details"].append(_one_line(exc))
    entry["seconds"] = round(time.perf_counter() - t0, 2)
    return entry


def verify_all(
    paths: list[Path], options: Options, progress: Callable[..., None] = lambda *a, **k: None
) -> dict[str, Any]:
    """Every submission in turn; one that fails to read is `error` and the rest go on."""
    from ..analysis.cache import ResultCache

    cache = ResultCache(enabled=options.use_cache)
    entries = []
    for path in paths:
        progress(f"verifying {path}")
        entries.append(verify_submission(path, options, cache, progress))
    summary = {v: sum(e["verdict"] == v for e in entries) for v in VERDICTS}
    return {"submissions": entries, "summary": {k: n for k, n in summary.items() if n}}


def exit_code(report: dict[str, Any]) -> int:
    """0: every submission reproduced (or within tolerance); 2: every one an error; else 1."""
    verdicts = [e["verdict"] for e in report["submissions"]]
    if all(v in ("reproduced", "within_tolerance") for v in verdicts):
        return 0
    if all(v == "error" for v in verdicts):
        return 2
    return 1
