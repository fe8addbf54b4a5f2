"""Noise is not a difference: two scores that differ by what another BLAS kernel or thread
count moves (the sample's Ridge RMSE by 9e-12, 1.9e-12 relative, measured between OpenBLAS's
SkylakeX, Haswell and Sandybridge kernels) are equal in diff and compare."""

from __future__ import annotations

import math
from typing import Any

from ..metrics import NOISE


def close(a: float, b: float) -> bool:
    """Whether two scores are equal but for numeric noise (NOISE, relative)."""
    return math.isclose(a, b, rel_tol=NOISE, abs_tol=NOISE * 1e-3)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def all_close(values: list[Any]) -> bool:
    """Whether every value is a number and all are equal but for noise."""
    numbers = [v for v in values if v is not None]
    if not numbers or not all(is_number(v) for v in numbers):
        return False
    return close(min(numbers), max(numbers))
