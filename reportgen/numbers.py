"""Every number reportgen writes, in one place: a metric, a change of a metric, a parameter value.

One spelling per language, whatever the output: the report, the console, a diff, verify's class
summary and the app write the same RMSE with the same digits ("1,82" in Swedish, "1.82" in
English). A purpose may choose a sign or a unit for a change (the report says "procentenheter",
a diff "pp"), never other digits.

Babel writes every digit: `format_decimal`, `format_percent` and `format_scientific` with a
pattern, given the float's exact value as a Decimal and rounding half to even (the rounding of
Python's own `format`, so the report reads as it always has). Scientific notation starts above
SCI_ABOVE, in one place.

Imports Babel and the standard library only: any layer may format a number.
"""

from __future__ import annotations

import decimal
import functools
import math
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

from babel import Locale
from babel.numbers import (
    format_decimal,
    format_percent,
    format_scientific,
    get_exponential_symbol,
    get_minus_sign_symbol,
)

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
Purpose = Literal["report", "console", "diff", "summary", "app"]
PURPOSES: tuple[str, ...] = ("report", "console", "diff", "summary", "app")

# an RMSE (or any value written with `measure`) above this reads in scientific notation
SCI_ABOVE = 1e4
RMSE_DIGITS = 2  # decimals of an RMSE
SCI_DIGITS = 1  # decimals of a mantissa
SHARE_DIGITS = 1  # decimals of a percentage and of a change in percentage points
MORE_DIGITS = 4  # at most this many extra decimals to tell two different values apart
# the metrics that are shares of correct answers (metrics.py's accuracies; a test keeps them equal)
SHARES = frozenset({"accuracy", "rounded_accuracy"})
NONE = "–"  # a missing or non-finite value (an RMSE can be nan or inf)
SUPERSCRIPT = str.maketrans("0123456789-\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
NBSP = "\u00a0"
POINTS = {"sv": "p.e.", "en": "pp"}  # the short unit of a change of a share, outside the report


@functools.cache
def locale(lang: str) -> Locale:
    """Babel's locale for 'sv' or 'en'."""
    if lang not in LOCALES:
        raise ValueError(f"unknown language {lang!r}: use {' or '.join(LOCALES)}")
    return Locale.parse(LOCALES[lang])


def _context() -> decimal.Context:
    # Babel rounds in the current context: half to even, and enough precision for a float's
    # exact value (Decimal(0.1) has 55 digits) so that nothing is rounded twice
    return decimal.Context(prec=800, rounding=ROUND_HALF_EVEN)


def _rounds_to_zero(exact: Decimal, digits: int) -> bool:
    with decimal.localcontext(_context()):
        return exact.quantize(Decimal(1).scaleb(-digits)) == 0


def _pattern(core: str, lang: str, signed: bool, zero: bool) -> str:
    """`core` with the language's minus sign; '+' (or '±' for a value that reads 0) if signed."""
    plus = ("±" if zero else "+") if signed else ""
    return f"{plus}{core};{get_minus_sign_symbol(locale(lang))}{core}"


def _write(exact: Decimal, lang: str, digits: int, signed: bool, write, core: str) -> str:
    """`exact` by Babel's `write` with the pattern `core` (`digits` decimals as written); a value
    that reads 0 has no minus (and '±' if signed)."""
    shown = exact.scaleb(2) if write is format_percent else exact  # the number as written
    zero = _rounds_to_zero(shown, digits)
    pattern = _pattern(core, lang, signed, zero)
    with decimal.localcontext(_context()):
        return write(Decimal(0) if zero else exact, pattern, locale=locale(lang))


def _fraction(digits: int) -> str:
    return "." + "0" * digits if digits else ""


def decimal_number(value: float | None, lang: str, digits: int = 2, signed: bool = False) -> str:
    """A fixed-point number: '1 234,57' (sv), '1,234.57' (en); '−' for a minus in Swedish."""
    if value is None or not math.isfinite(value):
        return NONE
    return _write(Decimal(value), lang, digits, signed, format_decimal, "#,##0" + _fraction(digits))


def integer(value: int, lang: str) -> str:
    """A whole number, thousands grouped: '70 000' (sv), '70,000' (en)."""
    return decimal_number(float(value), lang, 0)


def percent(share: float | None, lang: str, digits: int = SHARE_DIGITS) -> str:
    """A share as a percentage: 0.975 -> '97,5 %' (sv), '97.5%' (en)."""
    if share is None or not math.isfinite(share):
        return NONE
    # the percentage as Python computes it (share x 100 in binary), as the report always has:
    # 0.575 reads '57 %' at no decimals (57.49999999999999); Babel multiplies it back exactly
    exact = Decimal(share * 100).scaleb(-2)
    loc = locale(lang).percent_formats[None]  # the locale's '#,##0 %' (sv), '#,##0%' (en)
    core = loc.prefix[0] + "#,##0" + _fraction(digits) + loc.suffix[0]
    return _write(exact, lang, digits, False, format_percent, core)


def points(change: float | None, lang: str, digits: int = SHARE_DIGITS, signed: bool = True) -> str:
    """A change of a share in percentage points, the number alone: 0.006 -> '+0,6'."""
    if change is None or not math.isfinite(change):
        return NONE
    return decimal_number(change * 100, lang, digits, signed)


def scientific(value: float | None, lang: str, digits: int = SCI_DIGITS) -> str:
    """Scientific notation with a superscript exponent: '7,9·10⁹' (sv), '7.9·10⁹' (en)."""
    if value is None or value == 0 or not math.isfinite(value):
        return decimal_number(value, lang, digits)
    with decimal.localcontext(_context()):
        # round to significant digits first, in the same mode: Babel 2.19 writes 9.96e9 at one
        # decimal as '10,0×10^9' (it does not carry into the exponent)
        exact = decimal.Context(prec=digits + 1, rounding=ROUND_HALF_EVEN).plus(Decimal(value))
        core = "0" + _fraction(digits) + "E0"
        text = format_scientific(exact, _pattern(core, lang, False, False), locale=locale(lang))
    # Babel's exponent symbol ('×10^' in Swedish, 'E' in English) as the report sets it
    mantissa, exponent = text.split(get_exponential_symbol(locale(lang)))
    return f"{mantissa}·10{exponent.translate(SUPERSCRIPT)}"


def measure(value: float | None, lang: str, digits: int = RMSE_DIGITS, signed: bool = False) -> str:
    """A measurement such as an RMSE: `digits` decimals, scientific notation above SCI_ABOVE."""
    if value is not None and math.isfinite(value) and abs(value) > SCI_ABOVE:
        text = scientific(value, lang)
        return "+" + text if signed and value > 0 else text
    return decimal_number(value, lang, digits, signed)


# -- metrics ------------------------------------------------------------------------------


def is_share(metric: str) -> bool:
    """True for an accuracy: written as a percentage, its changes in percentage points."""
    return metric in SHARES


def metric(
    name: str, value: float | None, lang: str, purpose: Purpose = "report", more: int = 0
) -> str:
    """A metric's value: '92,4 %' / '92.4%' for an accuracy, '1,82' / '1.82' for an RMSE,
    '7,9·10⁹' above SCI_ABOVE. The same in every purpose; `more` extra decimals only where two
    different values would otherwise read the same (see `pair`)."""
    _check(purpose)
    if is_share(name):
        return percent(value, lang, SHARE_DIGITS + more)
    return measure(value, lang, RMSE_DIGITS + more)


def delta(
    name: str, change: float | None, lang: str, purpose: Purpose = "report", more: int = 0
) -> str:
    """A change of a metric, signed: '+0,6 procentenheter' (report) or '+0.6 pp' for an
    accuracy, '−0,50' / '-0.50' for an RMSE. The report spells the unit out; the others
    abbreviate it."""
    _check(purpose)
    if not is_share(name):
        return measure(change, lang, RMSE_DIGITS + more, signed=True)
    number = points(change, lang, SHARE_DIGITS + more)
    unit = _unit_words(lang) if purpose == "report" else POINTS[lang]
    return f"{number}{NBSP}{unit}"


def pair(name: str, old: float, new: float, lang: str, purpose: Purpose) -> tuple[str, str, str]:
    """Old value, new value and change, written so that two different values read differently:
    the metric's own digits, or the fewest extra decimals (up to MORE_DIGITS) that tell them
    apart (a Ridge RMSE whose last digits moved, 1.8154 -> 1.8161, reads '1.815 -> 1.816')."""
    more = 0
    while (
        old != new
        and more < MORE_DIGITS
        and metric(name, old, lang, purpose, more) == metric(name, new, lang, purpose, more)
    ):
        more += 1
    change = new - old
    return (
        metric(name, old, lang, purpose, more),
        metric(name, new, lang, purpose, more),
        delta(name, change, lang, purpose, more),
    )


def _unit_words(lang: str) -> str:
    return {"sv": "procentenheter", "en": "percentage points"}[lang]


def _check(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}: use one of {', '.join(PURPOSES)}")


# -- parameters ---------------------------------------------------------------------------


def param(value: Any) -> str:
    """A hyperparameter value as Python writes it, in every language: 0.01, 1000.0, (256,),
    True, 'relu' (it is what a config or a grid holds, not a measurement)."""
    if isinstance(value, list | tuple):
        return "(" + ", ".join(param(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def params(values: dict[str, Any]) -> str:
    """Best parameters as 'alpha=0.01, hidden_layer_sizes=(16,)'."""
    return ", ".join(f"{k}={param(v)}" for k, v in values.items())
