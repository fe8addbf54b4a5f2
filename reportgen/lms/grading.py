"""A submission's grade from the course's [grading] table (config.GradingConfig), with the rule
that gave it; and which of a student's submissions is graded (the latest)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..config import GradingConfig


def terms(entry: dict[str, Any], grading: GradingConfig) -> list[tuple[str, float, int]]:
    """What a grade adds up: (the verdict, its points, 1), then ("departs", points, how many)
    and ("mismatch", points, 1) where they apply."""
    out = [(entry["verdict"], getattr(grading, entry["verdict"]), 1)]
    departs = len(entry.get("departs") or [])
    if departs and grading.departs:
        out.append(("departs", grading.departs, departs))
    if entry.get("identity") == "mismatch" and grading.mismatch:
        out.append(("mismatch", grading.mismatch, 1))
    return out


WORDS = {"departs": "departure(s) from the course", "mismatch": "another student's name"}


def grade(entry: dict[str, Any], grading: GradingConfig) -> tuple[float, str]:
    """(points, the rule in words): the verdict's points, plus `departs` per departure and
    `mismatch` for a title page naming another student, kept between 0 and max."""
    parts = terms(entry, grading)
    points = min(max(sum(p * n for _, p, n in parts), 0.0), grading.max)
    rule = "; ".join(
        f"{n} {WORDS[kind]} x {plain(p)}" if kind in WORDS else f"{kind}: {plain(p)}"
        for kind, p, n in parts
    )
    return points, f"{rule} -> {plain(points)} of {plain(grading.max)}"


def plain(value: float, decimal_mark: str = ".") -> str:
    """A grade as a gradebook takes it: `10`, `7.5` (at most two decimals), with `decimal_mark`."""
    text = format(Decimal(str(round(value, 2))).normalize(), "f")
    return text.replace(".", decimal_mark)


def graded(submissions: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(lms, student id) -> the submission graded: the student's latest."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in submissions:
        if entry.get("lms") and entry.get("student_id") and entry.get("latest"):
            out[(entry["lms"], entry["student_id"])] = entry
    return out
