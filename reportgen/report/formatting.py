"""The report's number and text filters: Swedish decimals, percentages, parameters, Markdown."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

NBSP = "\u00a0"
MINUS = "\u2212"
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _group(digits: str, sep: str) -> str:
    """'70000' -> '70 000' (groups of three from the right)."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def decimal(value: float, digits: int = 2, signed: bool = False, locale: str = "sv") -> str:
    """A fixed-point number: Swedish comma and grouped thousands ('1 234,57'), or English."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{abs(value):.{digits}f}"
    whole, _, frac = text.partition(".")
    sep, point = (NBSP, ",") if locale == "sv" else (",", ".")
    out = _group(whole, sep) + (point + frac if frac else "")
    if value < 0 and float(text) != 0:
        return MINUS + out if locale == "sv" else "-" + out
    if signed:
        return ("±" if float(text) == 0 else "+") + out
    return out


def integer(value: int, locale: str = "sv") -> str:
    """A whole number with thousands grouped by a no-break space: 70 000."""
    return decimal(float(value), 0, locale=locale)


def sci(value: float, digits: int = 1, locale: str = "sv") -> str:
    """Scientific notation with a superscript exponent: 7,9·10⁹."""
    if value == 0 or not math.isfinite(value):
        return decimal(value, digits, locale=locale)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(abs(mantissa), digits) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{decimal(mantissa, digits, locale=locale)}·10{str(exponent).translate(SUPERSCRIPT)}"


def rmse(value: float, locale: str = "sv") -> str:
    """An RMSE: two decimals, or scientific notation above 10 000."""
    return sci(value, 1, locale) if abs(value) > 1e4 else decimal(value, 2, locale=locale)


def percent(value: float, digits: int = 1, locale: str = "sv") -> str:
    """A share as a percentage: 0.975 -> '97,5 %' (Swedish) or '97.5%' (English)."""
    number = decimal(value * 100, digits, locale=locale)
    return f"{number}{NBSP}%" if locale == "sv" else f"{number}%"


def pp(value: float, digits: int = 1, unit: bool = True, sign: bool = True) -> str:
    """A difference of two shares in percentage points: '+0,6 procentenheter'."""
    number = decimal(value * 100, digits, signed=sign)
    return f"{number}{NBSP}procentenheter" if unit else number


def param(value: Any) -> str:
    """A hyperparameter value as Python writes it: 0.01, 1000.0, (256,), True, 'relu'."""
    if isinstance(value, list):
        return "(" + ", ".join(param(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def markdown(text: str) -> Markup:
    """CommonMark to HTML with raw HTML and images disabled (the text is the user's).

    No images: the PDF may read nothing but the run's own files, so `![](url)` stays text.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    return Markup(md.render(text))


def paragraphs(text: str) -> Markup:
    """Plain text to escaped <p> paragraphs, split on blank lines."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(escape(b)) for b in blocks)


FILTERS: dict[str, Callable[..., Any]] = {
    "decimal": decimal,
    "integer": integer,
    "sci": sci,
    "rmse": rmse,
    "percent": percent,
    "pp": pp,
    "param": param,
    "markdown": markdown,
    "paragraphs": paragraphs,
}
