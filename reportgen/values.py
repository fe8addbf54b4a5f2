"""Typed values whose violation is one line ("expected a whole number of at least 1"), shared by
the config (config.py) and results.json (results.py): a number, a share, a hyperparameter."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError


def problem(kind: str, expected: str) -> PydanticCustomError:
    """A violation whose message is "expected ..."; the config reads `expected` from its ctx."""
    return PydanticCustomError(kind, "expected {expected}", {"expected": expected})


def _number_check(lo: float | None, hi: float | None, integer: bool, says: str | None, rule):
    if says:
        what = says
    elif integer and lo is not None and hi is not None:
        what = f"a whole number in [{lo:g}, {hi:g}]"
    elif integer:
        what = "an integer" if lo is None else "a whole number of at least " + f"{lo:g}"
    elif lo is not None and hi is not None:
        what = f"a number in [{lo:g}, {hi:g}]"
    elif lo is not None:
        what = f"a finite number of at least {lo:g}"
    else:
        what = "a finite number"

    def check(value: Any) -> Any:
        ok_type = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_type):
            raise problem("number", what)
        if isinstance(value, float) and not math.isfinite(value):
            raise problem("number", what)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise problem("number", what)
        if rule is not None and not rule(value):
            raise problem("number", what)
        return value

    return check


def number(lo: float | None = None, hi: float | None = None) -> Any:
    """A finite number (int or float, never a bool or text), within [lo, hi] where given."""
    return Annotated[
        float, BeforeValidator(_number_check(lo, hi, False, None, None)), Field(ge=lo, le=hi)
    ]


def whole(lo: int | None = None, *, says: str | None = None, rule=None) -> Any:
    """A whole number of at least `lo`; `says` words the expectation when `rule` narrows it."""
    return Annotated[int, BeforeValidator(_number_check(lo, None, True, says, rule)), Field(ge=lo)]


Finite = number()
NonNegative = number(0)
Fraction = number(0, 1)
Count = whole(0)
Positive = whole(1)
Integer = whole()
Digit = Annotated[int, BeforeValidator(_number_check(0, 9, True, None, None)), Field(ge=0, le=9)]
Pixel = Annotated[
    int, BeforeValidator(_number_check(0, 255, True, None, None)), Field(ge=0, le=255)
]


def _hyper_value(value: Any) -> Any:
    """A hyperparameter value as TOML and JSON write it: true/false, a number, text, null, or a
    list of whole numbers (hidden_layer_sizes)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    if isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    ):
        return value
    raise problem(
        "hyperparameter",
        "a hyperparameter value (a finite number, text, true/false or a list of whole numbers)",
    )


HyperValue = Annotated[
    Any,
    BeforeValidator(_hyper_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["boolean", "number", "string", "null"]},
                {"type": "array", "items": {"type": "integer", "minimum": 1}},
            ]
        }
    ),
]
Params = dict[str, HyperValue]
