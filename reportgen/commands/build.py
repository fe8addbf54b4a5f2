"""`reportgen build`: analysis (cached per model), results, figures, then the report."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

from ..config import DATASETS, DEFAULT_CONFIG, LANGUAGES, load_config

HELP = "run the analysis, then write report.pdf and report.html"
EXAMPLE = (
    "examples:\n  reportgen build                      # the sample data, into output/\n"
    "  reportgen build --limit 2000         # a quick look on 2,000 digits\n"
    "  MNIST_DIR=~/mnist reportgen build    # the full 70,000 digits"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help=f"TOML config (default: ./{DEFAULT_CONFIG} if present)")
    p.add_argument("--dataset", help=" | ".join(DATASETS) + " | idx:DIR")
    p.add_argument("--limit", type=int, help="a stratified subset of N digits")
    p.add_argument("--seed", type=int, help="seed of the split and the models")
    p.add_argument("--lang", choices=LANGUAGES, help="the report's language (report.lang)")
    p.add_argument("--cv", type=int, help="0: tune on the validation split; k>=2: k-fold CV")
    p.add_argument("--n-jobs", type=int, help="parallel candidate fits (-1: all cores)")
    p.add_argument("--out", default="output", help="output folder (default: output/)")
    p.add_argument("--no-render", action="store_true", help="stop after results and figures")
    p.add_argument("--no-cache", action="store_true", help="fit every model, ignore the cache")
    p.add_argument(
        "--untested-stack",
        action="store_true",
        help="render even where a package of the render stack (WeasyPrint, ...) is not at the "
        "tested version (the run records it)",
    )
    p.add_argument(
        "--scheduler",
        help="a Dask scheduler (tcp://HOST:PORT): grid searches run on its workers "
        '(tuning.backend = "dask")',
    )


class Console:
    """Progress for people: transient lines overwrite each other on a terminal, vanish in logs."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.width = 0

    def __call__(self, message: str, transient: bool = False) -> None:
        if transient and not self.tty:
            return
        pad = " " * max(self.width - len(message), 0)
        end = "\r" if transient else "\n"
        self.stream.write(("\r" if self.tty else "") + message + pad + end)
        self.stream.flush()
        self.width = len(message) if transient else 0


def config_of(args: argparse.Namespace):
    """The config: ./report.toml (or --config), then the flags that were given."""
    path = args.config
    if path is None and Path(DEFAULT_CONFIG).is_file():
        path = DEFAULT_CONFIG
    overrides = {
        "report.lang": args.lang,
        "data.dataset": args.dataset,
        "data.n_samples": args.limit,
        "data.seed": args.seed,
        "tuning.cv": args.cv,
        "tuning.n_jobs": args.n_jobs,
        "tuning.backend": "dask" if args.scheduler else None,
    }
    return load_config(path, overrides)


def defaults_used(args: argparse.Namespace, cfg) -> list[str]:
    """What the console says of defaults: no config file, an undated report."""
    notes = []
    if args.config is None and not Path(DEFAULT_CONFIG).is_file():
        notes.append(
            f"config: no ./{DEFAULT_CONFIG}, so the built-in defaults (author "
            f"'{cfg.report.author}', data '{cfg.data.dataset}', seed {cfg.data.seed}, the "
            "built-in grids); `reportgen init` writes a report.toml to edit"
        )
    if not cfg.report_date():
        notes.append(
            "date: none set, so the report is undated (set report.date or SOURCE_DATE_EPOCH; "
            "the clock is never used, so rebuilds stay byte-identical)"
        )
    return notes


@contextlib.contextmanager
def cluster(scheduler: str | None):
    """A Dask client for the block (grid searches then run on its workers), or nothing."""
    if not scheduler:
        yield
        return
    from ..verify.executors import DaskCluster

    client = DaskCluster(scheduler)
    try:
        yield
    finally:
        client.close()


def run(args: argparse.Namespace) -> int:
    from ..analysis.cache import ResultCache
    from ..pipeline import build, summary_table

    cfg = config_of(args)
    for note in defaults_used(args, cfg):
        print(note)
    out = Path(args.out)
    t0 = time.perf_counter()
    cache = ResultCache(enabled=not args.no_cache)
    with cluster(args.scheduler):
        run_dir, results, run_record = build(
            cfg,
            out,
            Console(),
            cache,
            render=not args.no_render,
            untested_stack=args.untested_stack,
        )
    print(summary_table(results, run_record))
    print(f"run kept in {run_dir}/")
    if not args.no_render:
        print(f"wrote {out / 'report.pdf'} and {out / 'report.html'}")
    print(f"done in {time.perf_counter() - t0:.1f}s")
    return 0
