"""A preview's state: the cached run, the config as last loaded, and the page shown now.

A save re-renders the HTML from the run's results.json with the report's words of the config
(title, author, date, self-evaluation, custom templates): no fitting, no PDF. Only when the
analysis part of the config (data, tuning, grids) departs from the run's is the run rebuilt, as
`reportgen build` would (the cache keeps what it can); the page says so meanwhile. A problem (bad
TOML, a template that does not compile, a self-evaluation that does not read) keeps the last good
page with the problem above it, until a save fixes it.
"""

from __future__ import annotations

import dataclasses
import secrets
import shutil
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import DEFAULT_CONFIG, Config, load_config
from ..errors import ReportgenError
from ..results import RESULTS_FILE, ConfigRecord, Results, read_results
from .watch import Stamp, stamp, watched_files

if TYPE_CHECKING:
    from ..analysis.search import Progress

OUT_DIR = "output"  # build's default --out: the folder's cached run
FIGURES_DIR = "figures"


@dataclasses.dataclass(frozen=True)
class Shown:
    """What the page shows: the report's HTML (the last good one), the folder its figures come
    from, and a banner above it (kind "error", or "info" while the run is rebuilt)."""

    version: str
    html: str
    figures: Path
    figures_key: str
    banner: str = ""
    kind: str = ""


def analysis_changes(results: Results, cfg: Config) -> list[str]:
    """The keys outside [report] whose values in `cfg` differ from the run's (data.n_samples,
    grids.ridge, ...): a change there needs a fit; none means the HTML alone is re-rendered."""
    ran = results.config.model_dump(mode="json", exclude={"report"})
    now = ConfigRecord.model_validate(cfg.to_record()).model_dump(mode="json", exclude={"report"})
    keys = []
    for section in sorted({*ran, *now}):
        a, b = ran.get(section), now.get(section)
        if isinstance(a, dict) and isinstance(b, dict):
            keys += [f"{section}.{k}" for k in sorted({*a, *b}) if a.get(k) != b.get(k)]
        elif a != b:
            keys.append(section)
    return keys


class Preview:
    """The folder's report, kept up to date by refresh(); the server reads `shown` and waits for
    a new version with wait()."""

    def __init__(self, folder: Path, progress: Progress = print) -> None:
        self.folder = Path(folder)
        self.config_file = self.folder / DEFAULT_CONFIG
        self.run_dir = self.folder / OUT_DIR
        self.progress = progress
        self.cfg: Config | None = None
        self.results: Results | None = None
        self._results_stamp: Stamp = None
        self._shown: Shown | None = None
        self._token = secrets.token_hex(4)  # a page of an earlier preview is never current
        self._count = 0
        self._news = threading.Condition()
        self._closed = False
        self._drawn: dict[str, Path] = {}  # figures in another language than the run's
        self._scratch: Path | None = None
        self.building = False  # a rebuild (a fit) is under way

    # ---- what the watcher asks ---------------------------------------------------------------

    def watched(self) -> list[Path]:
        """The files a save of which refreshes the page (as the config last loaded names them)."""
        return watched_files(self.config_file, self.cfg, self.run_dir)

    # ---- the page ----------------------------------------------------------------------------

    @property
    def shown(self) -> Shown:
        with self._news:
            assert self._shown is not None, "start() first"
            return self._shown

    def wait(self, version: str | None, timeout: float) -> Shown | None:
        """The page once its version is not `version` (at once if it is not already), else None
        after `timeout` seconds or when the preview closes."""
        with self._news:
            self._news.wait_for(
                lambda: (
                    self._closed or (self._shown is not None and self._shown.version != version)
                ),
                timeout,
            )
            if self._closed or self._shown is None or self._shown.version == version:
                return None
            return self._shown

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._news:
            self._closed = True
            self._news.notify_all()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def _show(self, html: str | None = None, figures: tuple[Path, str] | None = None, **banner):
        with self._news:
            last = self._shown
            self._count += 1
            where, key = figures or (last.figures, last.figures_key)
            self._shown = Shown(
                version=f"{self._token}-{self._count}",
                html=html if html is not None else last.html,
                figures=where,
                figures_key=key,
                **banner,
            )
            self._news.notify_all()

    # ---- the work ----------------------------------------------------------------------------

    def start(self) -> None:
        """The config and the cached run (built once where there is none), then the first page.

        Raises where there is nothing to show: no config file, or no run and a config that
        cannot build one."""
        if not self.config_file.is_file():
            raise ReportgenError(
                f"no {DEFAULT_CONFIG} in {self.folder.resolve()}: give the folder of your "
                f"report, or make one with `reportgen init {self.folder}`"
            )
        if not (self.run_dir / RESULTS_FILE).is_file():
            cfg = load_config(self.config_file)
            self.progress(
                f"preview: no cached run in {self.run_dir}/: building it once (fitting), "
                "then serving"
            )
            self._build(cfg)
        self._load_results()
        assert self.results is not None
        # the run's own words until the config is read: what a broken config leaves shown
        self._shown = None
        self._show(self._html(self.results, {}), self._figures(self.results))
        self.refresh([])

    def refresh(self, saved: list[Path]) -> None:
        """Bring the page up to date after `saved` files changed; never raises (a problem is
        shown in the page and on the terminal)."""
        t0 = time.perf_counter()
        what = ", ".join(p.name for p in saved) or "the first page"
        try:
            cfg = load_config(self.config_file)
            self.cfg = cfg
            self._load_results()
            assert self.results is not None
            changes = analysis_changes(self.results, cfg)
            if changes:
                self._rebuild(cfg, changes)
            html, figures = self._render(cfg)
        except ReportgenError as exc:
            self._failed(str(exc))
        except Exception as exc:  # a bug must not end the preview: said, with its traceback
            traceback.print_exc()
            self._failed(f"{type(exc).__name__}: {exc}")
        else:
            self._show(html, figures)
            self.progress(f"preview: {what}: page updated in {time.perf_counter() - t0:.2f} s")

    def _failed(self, message: str) -> None:
        self._show(banner=message, kind="error")
        self.progress(f"preview: error: {message} (shown in the page until fixed)")

    def _rebuild(self, cfg: Config, changes: list[str]) -> None:
        message = (
            f"the analysis config changed ({', '.join(changes)}): rebuilding the run, fitting "
            "what the cache does not hold; the page follows when it is done"
        )
        self._show(banner=message, kind="info")
        self.progress(f"preview: {message}")
        self._build(cfg)
        self._load_results()

    def _build(self, cfg: Config) -> None:
        from ..analysis.cache import ResultCache
        from ..pipeline import build

        self.building = True
        try:
            build(cfg, self.run_dir, self.progress, ResultCache(), render=True)
        finally:
            self.building = False

    def _load_results(self) -> None:
        """The run's results.json, read again only when it changed on disk."""
        now = stamp(self.run_dir / RESULTS_FILE)
        if self.results is None or now != self._results_stamp:
            self.results = read_results(self.run_dir)
            self._results_stamp = now

    def _render(self, cfg: Config) -> tuple[str, tuple[Path, str]]:
        """The report's HTML with `cfg`'s words over the run's numbers, and its figures."""
        from ..pipeline import apply_report_config, preflight

        assert self.results is not None
        templates = preflight(cfg, renderer=False)  # what a build checks before its first fit
        results = apply_report_config(self.results, cfg)
        return self._html(results, templates), self._figures(results)

    @staticmethod
    def _html(results: Results, templates: dict[str, str]) -> str:
        from ..report.html import render_html

        return render_html(results, templates)

    def _figures(self, results: Results) -> tuple[Path, str]:
        """Where the figures in `results`' language are, and a key that changes with them: the
        run's own, or drawn once per language into a scratch folder (the figures' words)."""
        assert self.results is not None
        lang = results.config.report.lang or "sv"
        key = f"{lang}-{self._results_stamp}"
        run_lang = self.results.config.report.lang or "sv"
        if lang == run_lang and (self.run_dir / FIGURES_DIR).is_dir():
            return self.run_dir / FIGURES_DIR, key
        if key not in self._drawn:
            from ..report.figures import save_figures

            if self._scratch is None:
                self._scratch = Path(tempfile.mkdtemp(prefix="reportgen-preview-"))
            folder = self._scratch / f"figures-{len(self._drawn)}"
            save_figures(results, folder)
            self._drawn[key] = folder
        return self._drawn[key], key
