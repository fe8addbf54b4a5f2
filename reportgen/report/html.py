"""report.html from results (Jinja2), and report.pdf from that HTML."""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from ..errors import RenderError
from ..files import write_atomic
from ..results import Results
from .context import build_context
from .formatting import FILTERS


def templates_dir() -> Path:
    """The shipped templates: inside the installed package (a wheel), or the source checkout's
    top-level templates/ folder, which the wheel maps into the package."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


TEMPLATES_DIR = templates_dir()
MAIN_TEMPLATE = "report.html"


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


def check_templates(templates_dir: str = "") -> None:
    """Compile every template a build would use, before any fitting: a missing or broken
    template is found in a second, not after the models."""
    env = make_environment(templates_dir)
    try:
        env.get_template(MAIN_TEMPLATE)
        for name in env.list_templates(extensions=["html", "css"]):
            env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        where = f"{templates_dir} or {TEMPLATES_DIR}" if templates_dir else str(TEMPLATES_DIR)
        raise RenderError(
            f"template {exc.name} not found in {where}: reinstall reportgen "
            "or fix report.templates_dir"
        ) from None
    except jinja2.TemplateError as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise RenderError(f"{_template_location(exc)}: {first}") from None


def render_html(results: Results) -> str:
    """report.html's text for `results`; template errors become one-line RenderErrors."""
    context = build_context(results)
    env = make_environment(results.config.report.templates_dir)
    try:
        return env.get_template(MAIN_TEMPLATE).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template {exc.name} not found in templates_dir or {TEMPLATES_DIR}"
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise RenderError(f"{_template_location(exc)}: {first}") from None


def write_report(results: Results, run_dir: Path) -> list[Path]:
    """Write run_dir/report.html and run_dir/report.pdf (atomically); return both paths."""
    from .pdf import write_pdf

    run_dir = Path(run_dir)
    html = render_html(results)
    html_path, pdf_path = run_dir / "report.html", run_dir / "report.pdf"
    write_atomic(html_path, html)
    report = results.config.report
    write_pdf(
        html,
        run_dir,
        pdf_path,
        title=report.title,
        author=report.author,
        date=results.report_date,
        attachments={"results.json": results.to_json()},
    )
    return [html_path, pdf_path]
