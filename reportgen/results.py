"""The versioned results schema: what a build computed, to and from JSON.

results.json holds everything the report shows and nothing that varies between identical runs
(fit times and the clock go to run.json), so two builds of the same inputs compare byte for byte.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import ReportgenError

# A model's "preprocessing" in results.json: StandardScaler, or each pixel divided by 255.
STANDARD_SCALER, DIVIDE_BY_255 = "standard_scaler", "divide_by_255"
SCHEMA_VERSION = 1
RESULTS_FILE = "results.json"
RUN_FILE = "run.json"
REQUIRED_KEYS = (
    "schema_version",
    "reportgen_version",
    "config",
    "dataset",
    "environment",
    "data",
    "scaling",
    "models",
    "warnings",
)


def dumps(obj: Any) -> str:
    """Stable JSON text: fixed key order as built, two-space indent, a final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_temp(path: Path, data: bytes | str) -> Path:
    """Write `data` to a synced temporary file next to `path` (.NAME.*.tmp); return its path."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write under a temporary name in the same folder, then rename: never a half-written file."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def validate(results: Any, where: str = "results") -> dict[str, Any]:
    """Check the schema version and top-level keys; raise a one-line error otherwise."""
    if not isinstance(results, dict):
        raise ReportgenError(f"{where} is not a results object: rebuild with `reportgen build`")
    version = results.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ReportgenError(
            f"{where} has schema_version {version!r}, this reportgen reads {SCHEMA_VERSION}: "
            "rebuild it with `reportgen build`"
        )
    missing = [k for k in REQUIRED_KEYS if k not in results]
    if missing:
        raise ReportgenError(
            f"{where} lacks {', '.join(missing)}: rebuild it with `reportgen build`"
        )
    return _as_current(results)


def _as_current(results: dict[str, Any]) -> dict[str, Any]:
    """Fill in what runs from before data.divide_by_255 left implicit: every model standardised.

    So a diff against such a run compares like with like, and the report reads one shape.
    """
    data_config = results.get("config", {}).get("data")
    if isinstance(data_config, dict):
        data_config.setdefault("divide_by_255", [])
    for model in results.get("models", {}).values():
        if isinstance(model, dict):
            model.setdefault("preprocessing", STANDARD_SCALER)
    return results


def loads(text: str, where: str = "results.json") -> dict[str, Any]:
    """Parse and validate results JSON text."""
    try:
        results = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportgenError(f"{where} is not valid JSON ({exc}): rebuild it") from None
    return validate(results, where)


def read_results(run_dir: Path) -> dict[str, Any]:
    """results.json of a run directory (or the file itself)."""
    path = Path(run_dir)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportgenError(
            f"{path} not found: give a run directory made by `reportgen build`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise ReportgenError(
            f"cannot read {path} ({why}): give a run directory made by `reportgen build`"
        ) from None
    return loads(text, str(path))
