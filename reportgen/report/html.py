"""report.html from results (Jinja2), and report.pdf from that HTML."""

from __future__ import annotations

import threading
import traceback
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..bundle.manifest import MAX_TEMPLATE_BYTES, MAX_TEMPLATE_FILES
from ..errors import RenderError
from ..files import read_bounded, write_atomic
from ..locations import TEMPLATES_DIR
from ..results import Results
from .context import build_context
from .formatting import filters
from .language import language

MAIN_TEMPLATE = "report.html"


def read_templates(folder: str | Path) -> dict[str, str]:
    """Every file of a templates folder: its path relative to the folder -> its text."""
    if not folder:
        return {}
    root = Path(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if len(files) > MAX_TEMPLATE_FILES:
        raise RenderError(
            f"report.templates_dir {root} holds {len(files)} files, more than "
            f"{MAX_TEMPLATE_FILES}: keep only the templates you override"
        )
    out = {}
    for path in files:
        name = path.relative_to(root).as_posix()
        data = read_bounded(path, MAX_TEMPLATE_BYTES, hint="fix report.templates_dir")
        try:
            out[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise RenderError(
                f"{path} is not UTF-8 text: report.templates_dir may hold only templates"
            ) from None
    return out


class _InMemoryLoader(jinja2.BaseLoader):
    """Templates from a dict, named by their relative path (so errors say which file)."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        self.templates = dict(templates)

    def get_source(self, environment, template):
        if template not in self.templates:
            raise jinja2.TemplateNotFound(template)
        return self.templates[template], template, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.templates)


_ENVIRONMENTS: OrderedDict[tuple, jinja2.Environment] = OrderedDict()
_ENVIRONMENTS_LOCK = threading.Lock()
_ENVIRONMENTS_KEEP = 4


def make_environment(
    templates: Mapping[str, str] | None = None, lang: str = "sv"
) -> jinja2.Environment:
    """The environment of these templates in this language, made once per process: its
    compiled templates are kept, so a class of one configuration compiles them once (0.3 s a
    render), not once per student."""
    key = (lang, tuple(sorted((templates or {}).items())))
    with _ENVIRONMENTS_LOCK:
        if key in _ENVIRONMENTS:
            _ENVIRONMENTS.move_to_end(key)
            return _ENVIRONMENTS[key]
    env = _new_environment(templates, lang)
    with _ENVIRONMENTS_LOCK:
        _ENVIRONMENTS[key] = env
        while len(_ENVIRONMENTS) > _ENVIRONMENTS_KEEP:
            _ENVIRONMENTS.popitem(last=False)
    return env


def _new_environment(
    templates: Mapping[str, str] | None = None, lang: str = "sv"
) -> jinja2.Environment:
    """Jinja2 in its sandbox: the custom templates first (from memory), then the shipped ones.

    The sandbox keeps a template from Python's internals (`''.__class__`), and the loaders
    know only these files: a template can include nothing else (no `/etc/passwd`). Strict
    (an undefined name is an error) and escaped (every string from results is text).
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates:
        loaders.append(_InMemoryLoader(templates))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES_DIR)))
    env = ImmutableSandboxedEnvironment(
        extensions=["jinja2.ext.i18n"],
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "css"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    words = language(lang)
    env.install_gettext_translations(words.translations, newstyle=True)
    env.filters.update(filters(words))
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


def check_templates(templates: Mapping[str, str] | None = None, lang: str = "sv") -> None:
    """Compile every template a build would use, before any fitting: a missing or broken
    template is found in a second, not after the models."""
    env = make_environment(templates, lang)
    try:
        env.get_template(MAIN_TEMPLATE)
        for name in env.list_templates(extensions=["html", "css"]):
            env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template {exc.name} not found among the custom templates or in {TEMPLATES_DIR}: "
            "reinstall reportgen or fix report.templates_dir"
        ) from None
    except jinja2.TemplateError as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise RenderError(f"{_template_location(exc)}: {first}") from None


def render_html(results: Results, templates: Mapping[str, str] | None = None) -> str:
    """report.html's text for `results`; template errors become one-line RenderErrors."""
    lang = results.config.report.lang or "sv"
    context = build_context(results, language(lang))
    env = make_environment(templates, lang)
    try:
        return env.get_template(MAIN_TEMPLATE).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(
            f"template {exc.name} not found among the custom templates or in {TEMPLATES_DIR}"
        ) from None
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise RenderError(f"{_template_location(exc)}: {first}") from None


def pdf_options(results: Results, templates: Mapping[str, str] | None = None) -> dict:
    """write_pdf's keyword arguments for `results`: the document's metadata, its PDF variant
    and its attachments (results.json, the custom templates, manifest.json)."""
    from ..bundle.manifest import attachments_for
    from .pdf import render_environment

    report = results.config.report
    return {
        "title": report.title,
        "author": report.author,
        "date": results.report_date,
        "lang": report.lang or "sv",
        "variant": report.pdf_variant or "pdf/ua-1",
        "attachments": attachments_for(results, templates or {}, render_environment()),
    }


def write_report(
    results: Results,
    run_dir: Path,
    templates: Mapping[str, str] | None = None,
    html: str | None = None,
    options: dict | None = None,
) -> list[Path]:
    """Write run_dir/report.html and run_dir/report.pdf (atomically); return both paths.

    The PDF carries what it takes to regenerate it: results.json, every custom template and a
    manifest of the attachments (manifest.json). A render of reportgen's own templates is
    recorded in the cache folder (render_memo) for verify. `html` and `options`: render_html's
    text and pdf_options' arguments when the caller has them already."""
    from . import render_memo
    from .pdf import write_pdf

    run_dir = Path(run_dir)
    html = render_html(results, templates) if html is None else html
    html_path, pdf_path = run_dir / "report.html", run_dir / "report.pdf"
    write_atomic(html_path, html)
    options = pdf_options(results, templates) if options is None else options
    write_pdf(html, run_dir, pdf_path, **options)
    if not templates:
        render_memo.remember(render_memo.render_key(html, run_dir, options), pdf_path.read_bytes())
    return [html_path, pdf_path]
