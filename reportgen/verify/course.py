"""The course's config (`--expect course.toml`): where each submission's config departs from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# What decides the analysis; the title page's words and the language are the student's own.
COMPARED = {
    "data": ("n_samples", "seed", "split", "divide_by_255"),
    "tuning": ("cv", "halving", "epoch_halving", "blas_threads"),
}


def course_record(path: Path) -> dict[str, Any]:
    """The course's config as results.json records a config (paths cut to their last names)."""
    from ..config import load_config

    return load_config(path).to_record()


def departures(course: dict[str, Any], submitted: dict[str, Any]) -> list[str]:
    """'data.seed: 42 -> 7', one line per key where the submission's config departs."""
    out = []
    for section, keys in COMPARED.items():
        for key in keys:
            want, got = course[section].get(key), submitted.get(section, {}).get(key)
            if got is not None and got != want:
                out.append(f"{section}.{key}: {want} -> {got}")
    for model, grid in course["grids"].items():
        theirs = submitted.get("grids", {}).get(model, {})
        for param in sorted(set(grid) | set(theirs)):
            if grid.get(param) != theirs.get(param):
                out.append(f"grids.{model}.{param}: {grid.get(param)} -> {theirs.get(param)}")
    return out


def course_language(course: dict[str, Any] | None, submissions: list[dict[str, Any]]) -> str:
    """The language of the class's pages: the course's (its report.lang); without a course's
    config, the one language every readable submission is written in; else English."""
    from ..report.language import LANGUAGES

    code = ((course or {}).get("report") or {}).get("lang")
    if code in LANGUAGES:
        return code
    theirs = {((e.get("config") or {}).get("report") or {}).get("lang") for e in submissions}
    theirs.discard(None)
    return theirs.pop() if len(theirs) == 1 and theirs <= set(LANGUAGES) else "en"
