"""A submission's grade from the course's [grading] table (config.GradingConfig), with the rule
that gave it; and which of a student's submissions is graded (the latest)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..config import GradingConfig
from ..errors import InputError


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


def scaler(grading: GradingConfig) -> Callable[[float | None, str], Callable[[float], float]]:
    """The course's gradebook.Scale: a grade out of `grading.max` on a column out of another
    maximum is points * column max / course max, rounded half up to two decimals (never above
    the column's maximum); with `rescale = false` such a column is refused in one line."""

    def scale(column_max: float | None, column: str) -> Callable[[float], float]:
        if column_max is None or column_max == grading.max:
            return lambda points: points
        if column_max <= 0:
            raise InputError(
                f"the gradebook's maximum for '{column}' is {plain(column_max)}: give the "
                "assignment its points in the LMS, download the gradebook again"
            )
        if not grading.rescale:
            raise InputError(
                f"the gradebook's '{column}' is out of {plain(column_max)}, the course's "
                f"[grading] max is {plain(grading.max)}: set max = {plain(column_max)}, or "
                "rescale = true to scale the grades"
            )

        def on_column(points: float) -> float:
            exact = Decimal(str(points)) * Decimal(str(column_max)) / Decimal(str(grading.max))
            return min(float(exact.quantize(Decimal("0.01"), ROUND_HALF_UP)), column_max)

        return on_column

    return scale
