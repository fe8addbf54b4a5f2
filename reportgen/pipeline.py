"""The build as stages: load data, run the analysis, write results, draw figures, render.

Only this module ties the stages together; each stage lives in its own package (analysis/,
report/) and the schema between them in results.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import Config
from .environments.stack import check_stack
from .errors import BuildInterrupted, RenderError, ReportgenError, one_line
from .files import write_atomic
from .locations import PACKAGE_DIR, code_files, hash_files
from .results import (
    RESULTS_FILE,
    RUN_FILE,
    SCHEMA_VERSION,
    OwnSection,
    ReportSettings,
    Results,
    SelfEvaluation,
    read_results,
)
from .runs import (
    RunRecord,
    clean_stale,
    deferred_interrupts,
    keep_run,
    output_lock,
    publish,
    read_run,
    run_id,
    staging_dir,
)

if TYPE_CHECKING:  # the analysis imports scikit-learn, which render and diff never need
    from .analysis.cache import ResultCache
    from .analysis.data import Dataset
    from .analysis.search import Progress

FIGURES_DIR = "figures"
LIBRARIES = ("numpy", "scipy", "scikit-learn", "matplotlib", "jinja2", "weasyprint")


def environment() -> dict[str, str]:
    """Versions of Python and of every library that shapes the results or the report."""
    env = {"python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            env[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            env[lib] = "not installed"
    return env


def read_self_evaluation(cfg: Config) -> SelfEvaluation | None:
    """The student's own text from the file the config names (Markdown or plain), or None."""
    name = cfg.report.self_evaluation
    if not name:
        return None
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportgenError(
            f"cannot read report.self_evaluation {path} ({exc.__class__.__name__}): "
            "fix the path or leave it empty for a placeholder"
        ) from None
    fmt = "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"
    return SelfEvaluation(source=path.name, format=fmt, text=text)


def read_sections(cfg: Config) -> dict[str, OwnSection] | None:
    """The student's own sections (report.sections), in the report's order, or None: each
    file's name and text, its live values checked (load_config checked them first)."""
    from .config import read_section
    from .sections import SECTION_KEYS

    named = cfg.report.sections
    if not named:
        return None
    return {
        key: OwnSection(source=Path(named[key]).name, text=read_section(key, named[key]))
        for key in SECTION_KEYS
        if key in named
    }


def apply_report_config(results: Results, cfg: Config) -> Results:
    """The report's words from `cfg` (title, author, date, self-evaluation); numbers untouched."""
    report = ReportSettings.model_validate(cfg.to_record()["report"])
    return results.model_copy(
        update={
            "config": results.config.model_copy(update={"report": report}),
            "report_date": cfg.report_date(),
            "self_evaluation": read_self_evaluation(cfg),
            "sections": read_sections(cfg),
        }
    )


def preflight(cfg: Config, render: bool = True, renderer: bool = True) -> dict[str, str]:
    """What a build needs to finish, checked before the first fit: the self-evaluation reads,
    the custom templates read and every template compiles, the bundled fonts draw every
    character of the title page and the self-evaluation, and (`renderer`) check_renderer.
    Returns the custom templates (relative path -> text)."""
    own = read_self_evaluation(cfg)
    sections = read_sections(cfg) or {}
    if not render:
        return {}
    import html

    from .report.html import check_templates, read_templates
    from .report.pdf import check_fonts

    templates = read_templates(cfg.report.templates_dir)
    check_templates(templates)
    words = [cfg.report.title, cfg.report.author, own.text if own else ""]
    words += [s.text for s in sections.values()]
    check_fonts(html.escape("\n".join(words)))
    if renderer:
        check_renderer()
    return templates


def check_renderer() -> None:
    """The font files are there and WeasyPrint (and its Pango) loads: half a second of imports,
    which a warm rebuild that reuses its report never spends (build checks it before the first
    fit or the render, whichever comes first)."""
    from .report.pdf import check_pdf_export

    check_pdf_export()


def _local_paths(cfg: Config, folder: str = "") -> dict[str, str]:
    """The absolute paths of this build: kept in run.json, never in results.json."""

    def absolute(path: str) -> str:
        return str(Path(path).resolve()) if path else ""

    return {
        "data_folder": folder,
        "templates_dir": absolute(cfg.report.templates_dir),
        "self_evaluation": absolute(cfg.report.self_evaluation),
    }


def load_data(cfg: Config) -> Dataset:
    """The data set the config names, subset as it says."""
    from .analysis.data import load_dataset, stratified_subset

    ds = load_dataset(cfg.data.dataset, cfg.data.mnist_dir)
    if cfg.data.n_samples:
        ds = stratified_subset(ds, cfg.data.n_samples, cfg.data.seed)
    return ds


def analyse(
    cfg: Config,
    progress: Progress = print,
    cache: ResultCache | None = None,
    dataset: Dataset | None = None,
    before_fit: Callable[[], None] | None = None,
) -> tuple[Results, RunRecord, dict[str, bytes]]:
    """Load the data (or take `dataset`) and run every model, cached where possible:
    (results, run facts, the tuned models and the scaler as skops files). `before_fit` is
    called once, before the first model that is not in the cache is fitted."""
    from .analysis.blas import blas_libraries
    from .analysis.experiment import run_experiment
    from .environments.record import system_record

    t0 = time.perf_counter()
    ds = dataset if dataset is not None else load_data(cfg)
    progress(f"data: {ds.source}, {len(ds.y):,} digits ({ds.reason})")
    progress(f"fingerprint: {ds.fingerprint[:16]}")
    analysis, timings, stored = run_experiment(cfg, ds, progress, cache, before_fit)
    results = Results.model_validate(
        {
            "schema_version": SCHEMA_VERSION,
            "reportgen_version": __version__,
            "config": cfg.to_record(),
            "report_date": cfg.report_date(),
            "self_evaluation": read_self_evaluation(cfg),
            "sections": read_sections(cfg),
            "dataset": ds.describe(),
            "environment": environment(),
            "system": system_record(),
            **analysis,
        }
    )
    run = RunRecord.model_validate(
        {
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "wall_seconds": time.perf_counter() - t0,
            "machine": {
                "cpus": _cpu_count(),
                "platform": platform.platform(),
                "blas_threads": cfg.tuning.blas_threads,
                "blas": blas_libraries(),
            },
            "fit_seconds": timings,
            "local": _local_paths(cfg, ds.folder),
        }
    )
    return results, run, stored


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def write_models(out_dir: Path, stored: dict[str, bytes]) -> None:
    """The tuned models and the scaler, as skops files in out_dir/models/ (for the app)."""
    from .analysis.stored import MODELS_DIR, SUFFIX

    folder = out_dir / MODELS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in stored.items():
        write_atomic(folder / f"{name}{SUFFIX}", data)


def write_run(
    out_dir: Path, results: Results, run: RunRecord, figures: bool = True, use_cache: bool = True
) -> None:
    """results.json, run.json and (unless told not to) the figures into `out_dir`; with
    `use_cache=False` the figures are drawn, never taken from the cache folder."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / RESULTS_FILE, results.to_json())
    write_atomic(out_dir / RUN_FILE, run.to_json())
    if figures:
        from .report.figures import save_figures

        save_figures(results, out_dir / FIGURES_DIR, use_cache)


@contextlib.contextmanager
def untested_render(untested: list[str]) -> Iterator[None]:
    """A render stack reportgen was not tested with (--untested-stack) that fails (WeasyPrint
    66.0 has no weasyprint.urls.URLFetcher) is one line naming it, not a traceback."""
    try:
        yield
    except (ReportgenError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if not untested:
            raise
        raise RenderError(
            f"the untested render stack ({'; '.join(untested)}) cannot render the report "
            f"({type(exc).__name__}: {one_line(str(exc))}): install the tested one "
            "(`make` in a checkout, or pip install reportgen's pinned versions)"
        ) from None


def render_run(
    run_dir: Path,
    cfg: Config | None = None,
    progress: Progress = print,
    untested_stack: bool = False,
) -> list[Path]:
    """HTML and PDF from a stored run's results.json and figures; fits nothing.

    With `cfg`, the report's words (title, author, date, self-evaluation) are refreshed from it
    first and results.json is rewritten; the numbers never change here. Everything is rendered
    in a staging folder and renamed into place only when complete, under the folder's lock.
    """
    from .report.html import read_templates, write_report

    untested = check_stack(untested_stack)
    for line in untested:
        progress(f"render stack: untested {line}")
    run_dir = Path(run_dir)
    results = read_results(run_dir)
    if cfg is not None:
        results = apply_report_config(results, cfg)
        templates = preflight(cfg)
    else:  # the custom templates the run was built with, where they are on this machine
        stored = read_run(run_dir / RUN_FILE)
        folder = stored.local.templates_dir if stored and stored.local else ""
        templates = read_templates(folder) if folder and Path(folder).is_dir() else {}
    with output_lock(run_dir):
        clean_stale(run_dir)
        with staging_dir(run_dir, run_dir, ".rendering-") as staging:
            try:
                if (run_dir / FIGURES_DIR).is_dir():
                    shutil.copytree(run_dir / FIGURES_DIR, staging / FIGURES_DIR)
                else:  # a run without figures: draw them (imports matplotlib.pyplot)
                    from .report.figures import save_figures

                    save_figures(results, staging / FIGURES_DIR)
                with untested_render(untested):
                    write_report(results, staging, templates)
                if cfg is not None:
                    write_atomic(staging / RESULTS_FILE, results.to_json())
            except KeyboardInterrupt:
                raise BuildInterrupted([], stage="rendering") from None
            with deferred_interrupts() as pending:
                if not (run_dir / FIGURES_DIR).is_dir():
                    os.replace(staging / FIGURES_DIR, run_dir / FIGURES_DIR)
                for name in ("report.pdf", "report.html", RESULTS_FILE):
                    if (staging / name).exists():
                        os.replace(staging / name, run_dir / name)
    written = [run_dir / "report.html", run_dir / "report.pdf"]
    for path in written:
        progress(f"report: {path}")
    if pending:
        raise BuildInterrupted([], stage="published")
    return written


def render_key(
    results_text: str, templates: Mapping[str, str] | None = None, package: Path = PACKAGE_DIR
) -> str:
    """What the report's bytes depend on: results, custom and shipped templates, every module of
    reportgen (in every subpackage), the language catalogs and Babel's version (its locale
    data), library versions, the render environment (WeasyPrint, Pango, HarfBuzz, each font
    file)."""
    from .report.pdf import render_environment

    h = hashlib.sha256(results_text.encode("utf-8"))
    for name, text in sorted((templates or {}).items()):
        h.update(b"custom/" + name.encode() + b"\0" + text.encode("utf-8"))
    hash_files(h, code_files(package))  # code, catalogs, shipped templates
    h.update(json.dumps(environment(), sort_keys=True).encode())
    h.update(json.dumps(render_environment(), sort_keys=True).encode())
    h.update(b"babel\0" + metadata.version("babel").encode())  # its locale data: formats, names
    return h.hexdigest()


def _reuse_report(out_root: Path, key: str, staging: Path) -> bool:
    """Copy OUT's latest figures and report into `staging` when their render key matches."""
    latest = read_run(out_root / RUN_FILE)
    sources = [out_root / FIGURES_DIR, out_root / "report.html", out_root / "report.pdf"]
    if latest is None or latest.render_key != key or not all(p.exists() for p in sources):
        return False
    shutil.rmtree(staging / FIGURES_DIR, ignore_errors=True)
    shutil.copytree(out_root / FIGURES_DIR, staging / FIGURES_DIR)
    for name in ("report.html", "report.pdf"):
        shutil.copyfile(out_root / name, staging / name)
    return True


def build(
    cfg: Config,
    out_root: Path,
    progress: Progress = print,
    cache: ResultCache | None = None,
    render: bool = True,
    untested_stack: bool = False,
) -> tuple[Path, Results, RunRecord]:
    """The whole build into OUT/runs/<run-id>/, then published as OUT/'s latest report.

    Holds OUT's lock throughout; until the run is complete nothing outside a staging folder
    changes, so a failed or interrupted build leaves the previous report as it was. When the
    results, templates and code equal those of OUT's latest report, its files are reused.
    `untested_stack`: build even where the render stack is not the tested one (run.json
    records each such package), else UntestedStack before any work.
    """
    out_root = Path(out_root)
    untested = check_stack(untested_stack)
    for line in untested:
        progress(f"render stack: untested {line} (recorded in run.json)")
    templates = preflight(cfg, render, renderer=False)
    # before the first fit or before rendering, whichever comes first; once
    renderer_ready = functools.cache(check_renderer) if render else lambda: None
    cache_on = cache is None or cache.enabled  # --no-cache draws the figures too

    with output_lock(out_root):
        clean_stale(out_root)
        try:
            results, run, stored = analyse(cfg, progress, cache, before_fit=renderer_ready)
        except BuildInterrupted:
            raise
        except KeyboardInterrupt:
            raise BuildInterrupted([], stage="analysing the data") from None
        if untested:
            run = run.model_copy(update={"untested_stack": untested})
        done = [m.name for m in results.models.values()]
        text = results.to_json()
        try:
            with staging_dir(out_root) as staging:
                if render:
                    from .report.html import write_report

                    key = render_key(text, templates)
                    run = run.model_copy(update={"render_key": key})
                    if _reuse_report(out_root, key, staging):
                        progress("report: results and templates unchanged, previous report reused")
                        write_run(staging, results, run, figures=False)
                    else:
                        renderer_ready()
                        write_run(staging, results, run, use_cache=cache_on)
                        progress("report: rendering HTML and PDF")
                        with untested_render(untested):
                            write_report(results, staging, templates)
                else:
                    write_run(staging, results, run, use_cache=cache_on)
                write_models(staging, stored)
                run_dir = keep_run(staging, out_root, run_id(text))
        except KeyboardInterrupt:
            raise BuildInterrupted(done, stage="rendering" if render else "writing") from None
        with deferred_interrupts() as pending:
            try:
                publish(run_dir, out_root)
            except BaseException:  # e.g. a full disk: no half-published run in the history
                shutil.rmtree(run_dir, ignore_errors=True)
                raise
    if pending:
        raise BuildInterrupted(done, stage="published")
    return run_dir, results, run


def summary_table(results: Results, run: RunRecord) -> str:
    """The console's closing table, in the report's language: each model's default and tuned
    test score, fit time and best parameters."""
    from .numbers import metric, params
    from .report.context import model_names
    from .report.language import N_, language

    N_("accuracy"), N_("rmse")  # the metrics' names, translated below
    lang = language(results.config.report.lang or "sv")
    _ = lang.gettext
    names = model_names(lang)

    def value(name: str, v: float) -> str:
        return metric(name, v, lang.code, "console")

    head = [_("model"), _("metric"), _("default"), _("tuned"), _("fit s")]
    lines = [
        f"{head[0]:<22}{head[1]:<14}{head[2]:>10}{head[3]:>10}{head[4]:>9}  " + _("best parameters")
    ]
    for key, m in results.models.items():
        d = value(m.metric, m.default.metrics("test")[m.metric])
        t = value(m.metric, m.tuned.metrics("test")[m.metric])
        timing = run.fit_seconds[key]
        secs = _("cached") if timing.cached else lang.decimal(timing.total_seconds, 1)
        best = params(m.tuned.best_params)
        lines.append(f"{names[key]:<22}{_(m.metric):<14}{d:>10}{t:>10}{secs:>9}  {best}")
    return "\n".join(lines)
