"""What a class was checked with: the record summary.json keeps so that a later check can name
the cause of a changed verdict (verify.changes).

Each cause is read from one place, and the record says which:
- `reportgen`: the version and the SHA-256 of its code (bundle.manifest.code_digest);
- `libraries`: the versions pipeline.environment and report.pdf.render_environment read (the
  analysis's and the renderer's, Pango and HarfBuzz included, the bundled fonts' digest), and
  this process's BLAS kernel (`blas_kernel`);
- `tolerance`: the --tolerance given;
- `course`: the --expect file's name, SHA-256 and every key of its config, [grading] and
  [flags] (`section.key` -> value), or None without --expect;
- per submission (in its entry, not here): the PDF's SHA-256 (`sha256`) and the data its
  configuration was rebuilt on (`rebuilt.fingerprint`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

SOURCES = {
    "reportgen": "reportgen.__version__ and the SHA-256 of its code (bundle.manifest.code_digest)",
    "libraries": "installed versions (pipeline.environment, report.pdf.render_environment) "
    "and the BLAS kernel (threadpoolctl)",
    "tolerance": "the --tolerance given",
    "course": "the --expect file: every key of its config, [grading] and [flags]",
    "sha256": "each submission's PDF bytes (its entry's `sha256`)",
    "data": "the fingerprint of the data each configuration was rebuilt on, and the BLAS kernel "
    "it was rebuilt with (`rebuilt`)",
}


def libraries() -> dict[str, str]:
    """Every version a verdict can depend on: the analysis's, the renderer's, the fonts'."""
    from ..pipeline import environment
    from ..report.pdf import render_environment

    out = dict(environment())
    render = render_environment()
    for key in ("pydyf", "pango", "harfbuzz", "harfbuzz_subset"):
        out[key] = str(render[key])
    fonts = json.dumps(render["fonts"], sort_keys=True).encode()
    out["fonts"] = hashlib.sha256(fonts).hexdigest()[:16]
    from ..environments.record import blas_libraries

    # the BLAS kernel of this process: another one moves the MLP's path (verify.changes)
    out["blas_kernel"] = ", ".join(sorted({b["kernel"] for b in blas_libraries()})) or "none"
    return out


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"tuning": {"cv": 5}} -> {"tuning.cv": 5}; a list stays a value."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def course_keys(expect: Path) -> dict[str, Any]:
    """Every key of the course config `expect`, as `section.key` -> value: its config as
    results.json records one, its [grading] and its [flags]."""
    from ..config import load_config, load_flags, load_grading

    keys = flatten(load_config(expect).to_record())
    grading = load_grading(expect)
    if grading is not None:
        keys.update(flatten(asdict(grading), "grading."))
    keys.update(flatten(asdict(load_flags(expect)), "flags."))
    return json.loads(json.dumps(keys, default=str))  # plain JSON values, as summary.json has


def checked_with(tolerance: float, expect: Path | None) -> dict[str, Any]:
    """The record of this check (see the module's doc)."""
    from .. import __version__
    from ..bundle.manifest import code_digest

    course = None
    if expect is not None:
        course = {
            "file": expect.name,
            "sha256": hashlib.sha256(expect.read_bytes()).hexdigest(),
            "keys": course_keys(expect),
        }
    return {
        "reportgen": {"version": __version__, "code": code_digest()},
        "libraries": libraries(),
        "tolerance": tolerance,
        "course": course,
        "sources": SOURCES,
    }
