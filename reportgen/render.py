"""The Jinja2 environment, the number filters, and report.html + report.pdf from results."""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .context import build_context
from .errors import RenderError
from .results import dumps, write_atomic

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
MAIN_TEMPLATE = "report.html"
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


def make_environment(templates_dir: str = "") -> jinja2.Environment:
    """Jinja2 with the user's templates_dir first, then the shipped templates; strict, escaped."""
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES_DIR)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "css"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def _template_location(exc: BaseException) -> str:
    """'report.html line 12' from a Jinja2 error or the template frames of its traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.name or exc.filename or '?'} line {exc.lineno}"
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.endswith((".html", ".css", ".j2"))
    ]
    if frames:
        return f"{Path(frames[-1].filename).name} line {frames[-1].lineno}"
    return "template"


def render_html(results: dict[str, Any]) -> str:
    """report.html's text for `results`; template errors become one-line RenderErrors."""
    context = build_context(results)
    env = make_environment(results["config"]["report"].get("templates_dir", ""))
    try:
        return env.get_template(MAIN_TEMPLATE).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template {exc.name} not found in templates_dir or {TEMPLATES_DIR}"
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise RenderError(f"{_template_location(exc)}: {first}") from None


def write_report(
    results: dict[str, Any], run_dir: Path, progress: Callable[..., None] = print
) -> list[Path]:
    """Write run_dir/report.html and run_dir/report.pdf (atomically); return both paths."""
    from .pdf import write_pdf

    run_dir = Path(run_dir)
    html = render_html(results)
    html_path, pdf_path = run_dir / "report.html", run_dir / "report.pdf"
    write_atomic(html_path, html)
    progress(f"report: {html_path}")
    report = results["config"]["report"]
    write_pdf(
        html,
        run_dir,
        pdf_path,
        title=report["title"],
        author=report["author"],
        date=results["report_date"],
        attachments={"results.json": dumps(results)},
    )
    progress(f"report: {pdf_path}")
    return [html_path, pdf_path]
