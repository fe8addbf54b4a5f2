"""The command line: flags become a Config, then one library call per command."""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from . import __version__
from .config import DEFAULT_CONFIG, load_config
from .errors import ReportgenError

DESCRIPTION = """\
reportgen runs a machine-learning study of MNIST (four regression models against two
classifiers) and writes it up as a Swedish course report: report.pdf and report.html, every
number computed in the run. Start with `reportgen init`, edit report.toml, then
`reportgen build`."""

EXAMPLES = {
    "init": "example:\n  reportgen init my-report && cd my-report && reportgen build",
    "build": "examples:\n  reportgen build                      # the sample data, into output/\n"
    "  reportgen build --limit 2000         # a quick look on 2,000 digits\n"
    "  MNIST_DIR=~/mnist reportgen build    # the full 70,000 digits",
    "render": "example:\n  reportgen render output --config report.toml   # new title or date",
    "diff": "examples:\n  reportgen diff output/runs/RUN1 output/runs/RUN2\n"
    "  reportgen diff old/report.pdf new/report.pdf --fail-on worse\n"
    "exit code: 0 no difference, 1 differences found, 2 an error (e.g. an invalid file)",
    "schema": "example:\n  reportgen schema > results.schema.json",
    "verify": "examples:\n  reportgen verify inlamningar/anna.pdf\n"
    "  reportgen verify inlamningar/ --summary klass --expect kurs.toml --jobs 2\n"
    "  reportgen verify *.pdf --data ~/mnist --scheduler tcp://10.0.0.5:8786\n"
    "verdicts: reproduced, within_tolerance, differs, tampered, error\n"
    "exit code: 0 every submission reproduced (or within tolerance), 2 every one an error "
    "(or a usage error), 1 otherwise",
    "cache": "example:\n  reportgen cache clear",
    "app": "example:\n  reportgen app output --port 8501   # then open the printed URL",
}


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


def _command(sub, name: str, help_text: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text[:1].upper() + help_text[1:] + ".",
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reportgen",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="`reportgen COMMAND --help` shows a command's options and an example.",
    )
    p.add_argument("--version", action="version", version=f"reportgen {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback instead of one line")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    i = _command(sub, "init", "make a starter folder: report.toml and sjalvutvardering.md")
    i.add_argument("dir", nargs="?", default=".", help="the folder (default: here)")

    b = _command(sub, "build", "run the analysis, then write report.pdf and report.html")
    b.add_argument("--config", help=f"TOML config (default: ./{DEFAULT_CONFIG} if present)")
    b.add_argument("--dataset", help="auto | sample | openml | idx:DIR")
    b.add_argument("--limit", type=int, help="a stratified subset of N digits")
    b.add_argument("--seed", type=int, help="seed of the split and the models")
    b.add_argument("--lang", choices=["sv", "en"], help="the report's language (report.lang)")
    b.add_argument("--cv", type=int, help="0: tune on the validation split; k>=2: k-fold CV")
    b.add_argument("--n-jobs", type=int, help="parallel candidate fits (-1: all cores)")
    b.add_argument("--out", default="output", help="output folder (default: output/)")
    b.add_argument("--no-render", action="store_true", help="stop after results and figures")
    b.add_argument("--no-cache", action="store_true", help="fit every model, ignore the cache")
    b.add_argument(
        "--scheduler",
        help="a Dask scheduler (tcp://HOST:PORT): grid searches run on its workers "
        '(tuning.backend = "dask")',
    )

    r = _command(sub, "render", "re-render a stored run's report; fits nothing")
    r.add_argument("run_dir", help="a folder holding results.json (e.g. output/)")
    r.add_argument("--config", help="TOML config: refresh title, author, date, self-evaluation")

    d = _command(sub, "diff", "compare two runs: run folders, results.json files or report PDFs")
    d.add_argument("a", help="the earlier run: a run folder, results.json or report PDF")
    d.add_argument("b", help="the later run")
    d.add_argument("--format", choices=["text", "markdown", "json", "html"], default="text")
    d.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        help="ignore metric changes up to this size (accuracy as a fraction)",
    )
    d.add_argument(
        "--fail-on",
        choices=["any", "worse"],
        default="any",
        help="exit 1 on any difference (default) or only when a metric got worse",
    )
    d.add_argument("--output", help="write the diff to this file instead of stdout")

    v = _command(
        sub, "verify", "check handed-in report PDFs: untouched, and does the analysis reproduce?"
    )
    v.add_argument(
        "submissions", nargs="+", metavar="SUBMISSION", help="report PDFs, or folders of them"
    )
    v.add_argument("--data", help="the IDX folder of the data the submissions used (full MNIST)")
    v.add_argument(
        "--tolerance",
        type=float,
        default=1e-6,
        help="metric differences up to this size are within tolerance (default 1e-6)",
    )
    v.add_argument("--format", choices=["text", "json", "markdown", "html"], default="text")
    v.add_argument("--output", help="write the report to this file instead of stdout")
    v.add_argument("--summary", metavar="DIR", help="write a class summary (HTML, CSV, JSON)")
    v.add_argument("--expect", metavar="TOML", help="the course's config: mark departures")
    v.add_argument(
        "--fail-on",
        action="append",
        choices=["differs", "departs", "tampered"],
        help="what exits 1 (repeatable); default: anything not reproduced",
    )
    v.add_argument("--jobs", type=int, default=1, help="submissions checked in N processes")
    v.add_argument("--scheduler", help="a Dask scheduler (tcp://HOST:PORT) for the rebuilds")
    v.add_argument("--no-cache", action="store_true", help="refit every model")

    _command(sub, "schema", "print the JSON Schema of results.json")

    a = _command(sub, "app", "explore the runs of an output folder in a local web app")
    a.add_argument("out", nargs="?", default="output", help="the output folder (default: output/)")
    a.add_argument("--port", type=int, help="the port (default: a free one)")
    a.add_argument("--data", help="the IDX folder of the runs' data (for test digits)")

    c = _command(sub, "cache", "manage the model-results cache")
    c.add_argument("action", choices=["clear"], help="clear: remove every cached result")
    return p


def _config(args: argparse.Namespace):
    path = args.config
    if path is None and Path(DEFAULT_CONFIG).is_file():
        path = DEFAULT_CONFIG
    overrides = {
        "report.lang": getattr(args, "lang", None),
        "data.dataset": getattr(args, "dataset", None),
        "data.n_samples": getattr(args, "limit", None),
        "data.seed": getattr(args, "seed", None),
        "tuning.cv": getattr(args, "cv", None),
        "tuning.n_jobs": getattr(args, "n_jobs", None),
        "tuning.backend": "dask" if getattr(args, "scheduler", None) else None,
    }
    return load_config(path, overrides)


def _defaults_used(args: argparse.Namespace, cfg) -> list[str]:
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


def build(args: argparse.Namespace) -> int:
    """`reportgen build`: analysis (cached per model), results, figures, then the report."""
    from .analysis.cache import ResultCache
    from .pipeline import build as run_build
    from .pipeline import summary_table

    cfg = _config(args)
    for note in _defaults_used(args, cfg):
        print(note)
    out = Path(args.out)
    t0 = time.perf_counter()
    cache = ResultCache(enabled=not args.no_cache)
    with _cluster(args.scheduler):
        run_dir, results, run = run_build(cfg, out, Console(), cache, render=not args.no_render)
    print(summary_table(results, run))
    print(f"run kept in {run_dir}/")
    if not args.no_render:
        print(f"wrote {out / 'report.pdf'} and {out / 'report.html'}")
    print(f"done in {time.perf_counter() - t0:.1f}s")
    return 0


@contextlib.contextmanager
def _cluster(scheduler: str | None):
    """A Dask client for the block (grid searches then run on its workers), or nothing."""
    if not scheduler:
        yield
        return
    from .verify.batch import DaskCluster

    cluster = DaskCluster(scheduler)
    try:
        yield
    finally:
        cluster.close()


def diff_command(args: argparse.Namespace) -> int:
    """`reportgen diff A B`: what changed between two runs; exit 1 when something did."""
    from .compare import formats as diff_format
    from .compare.diff import compare, to_json
    from .compare.sources import load_side

    if args.tolerance < 0:
        raise ReportgenError(f"--tolerance must be 0 or more, got {args.tolerance}")
    diff = compare(load_side(args.a), load_side(args.b), args.tolerance)
    formats = {
        "text": diff_format.to_text,
        "markdown": diff_format.to_markdown,
        "json": to_json,
        "html": diff_format.to_html,
    }
    text = formats[args.format](diff)
    if args.output:
        from .files import write_atomic

        write_atomic(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return diff_format.exit_code(diff, args.fail_on)


def init_command(args: argparse.Namespace) -> int:
    """`reportgen init [DIR]`: a starter folder; never overwrites a file."""
    from .starter import write_starter

    for path, written in write_starter(Path(args.dir)):
        print(f"{'wrote' if written else 'kept  '} {path}{'' if written else ' (exists)'}")
    print(f"next: edit {Path(args.dir) / DEFAULT_CONFIG}, then `reportgen build` in that folder")
    return 0


def verify_command(args: argparse.Namespace) -> int:
    """`reportgen verify PDF|DIR...`: a verdict per submission; see EXAMPLES for exit codes."""
    from .verify.batch import verify_class
    from .verify.formats import FORMATS
    from .verify.outcome import Options, exit_code
    from .verify.progress import ClassProgress

    if args.tolerance < 0:
        raise ReportgenError(f"--tolerance must be 0 or more, got {args.tolerance}")
    if args.jobs < 1:
        raise ReportgenError(f"--jobs must be 1 or more, got {args.jobs}")
    course = None
    if args.expect:
        from .verify.course import course_record

        course = course_record(Path(args.expect))
    options = Options(args.data, args.tolerance, not args.no_cache)
    progress = ClassProgress()
    try:
        report = verify_class(args.submissions, options, args.jobs, args.scheduler, progress)
    finally:
        progress.stop()
    entries = report["submissions"]
    if not entries and not report["interrupted"]:
        raise ReportgenError("no report PDFs found in what was given: give PDFs or folders")
    if len(entries) == 1 and report["total"] == 1 and entries[0]["verdict"] == "error":
        raise ReportgenError(entries[0]["details"][-1])  # one line, exit 2
    diffs = {e["path"]: e.pop("_diff", "") for e in entries}
    regenerated = {e["path"]: e.pop("_regenerated") for e in entries if "_regenerated" in e}
    if course is not None:
        from .verify.course import departures

        for entry in entries:
            entry["departs"] = departures(course, entry["config"]) if entry.get("config") else []
    print(
        f"verify: {len(entries)} of {report['total']} submission(s), "
        f"{report['builds']} distinct build(s)",
        file=sys.stderr,
    )
    if args.summary:
        from .verify.summary import write_summary

        for path in write_summary(report, Path(args.summary), diffs, regenerated):
            print(f"wrote {path}", file=sys.stderr)
    text = FORMATS[args.format](report)
    if args.output:
        from .files import write_atomic

        write_atomic(Path(args.output), text)
    else:
        sys.stdout.write(text)
    if report["interrupted"]:
        raise KeyboardInterrupt
    return exit_code(report, args.fail_on)


def schema_command(args: argparse.Namespace) -> int:
    """`reportgen schema`: the JSON Schema of results.json on stdout."""
    import json

    from .results import results_json_schema

    sys.stdout.write(json.dumps(results_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0


def app_command(args: argparse.Namespace) -> int:
    """`reportgen app [OUT]`: the Streamlit app on 127.0.0.1 until Ctrl-C."""
    from .app.server import serve

    return serve(Path(args.out), args.port, args.data)


def cache_command(args: argparse.Namespace) -> int:
    """`reportgen cache clear`: forget every cached model result."""
    from .analysis.cache import ResultCache

    cache = ResultCache()
    print(f"removed {cache.clear()} cached model results from {cache.folder}")
    return 0


def render(args: argparse.Namespace) -> int:
    """`reportgen render RUN_DIR`: HTML and PDF from stored results."""
    from .pipeline import render_run

    cfg = load_config(args.config) if args.config else None
    for path in render_run(Path(args.run_dir), cfg):
        print(f"wrote {path}")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM (and Ctrl-C) unwind like Ctrl-C. An MLP fit that swallows it is re-raised in
    analysis.warning_log.WarningLog, so the build stops and the half-trained fit is never cached."""
    raise KeyboardInterrupt  # staging removed, outputs untouched


def _forget_unhandled_interrupt() -> None:
    """Clear CPython's record of a KeyboardInterrupt that left code run by eval() of a string.

    cssselect2 compiles each CSS selector with eval() while the PDF renders. An interrupt raised
    in there is recorded as unhandled even though main() handles it, and `python -m reportgen`
    would then end by SIGINT instead of exiting 130. Every exec() of a string resets the record.
    """
    exec("pass")


def _one_line(text: object) -> str:
    return " ".join(str(text).split("\n")).strip()


def _interrupted(exc: KeyboardInterrupt, cache_on: bool) -> str:
    """What an interrupted command says: what was under way and what was completed."""
    done = getattr(exc, "completed", [])
    stage = getattr(exc, "stage", "")
    if stage == "published":
        return "reportgen: interrupted just after the new report was published (it is complete)"
    message = f"reportgen: interrupted{f' while {stage}' if stage else ''}, previous report kept"
    if done:
        kept = "cached" if cache_on else "not cached (--no-cache)"
        message += f"; completed ({kept}): {', '.join(done)}"
    elif stage == "fitting":
        message += "; no model was completed"
    return message


def _os_error(exc: OSError) -> str:
    """A failed write or read as one line: what, where, and what to do."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free space on that disk or choose another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "fix its permissions or choose another --out"
    else:
        fix = "check the path, free space or fix permissions"
    return f"reportgen: error: {exc.strerror or exc}{where}: {fix}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `reportgen` command; returns the exit code."""
    args = _parser().parse_args(argv)
    # pypdf logs what it mends in a damaged PDF; the verdict already says what matters
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    commands = {
        "init": init_command,
        "build": build,
        "render": render,
        "diff": diff_command,
        "schema": schema_command,
        "verify": verify_command,
        "app": app_command,
        "cache": cache_command,
    }
    held = (signal.SIGINT, signal.SIGTERM)
    # signal handlers can only be set in the main thread; elsewhere (an app, a worker) the
    # caller's own handling stays
    main_thread = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, _interrupt) for s in held} if main_thread else {}
    try:
        return commands[args.command](args)
    except ReportgenError as exc:
        if args.debug:
            raise
        print(f"reportgen: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        _forget_unhandled_interrupt()
        message = _interrupted(exc, not getattr(args, "no_cache", False))
        print(f"\n{message}", file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, permissions: one line, not a traceback
        if args.debug:
            raise
        print(_one_line(_os_error(exc)), file=sys.stderr)
        return 2
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run() -> None:
    """The `reportgen` command: main(), then exit with its code.

    An interrupted search leaves joblib's worker threads finishing their candidate in native code
    (they cannot be stopped). Ending the interpreter under them can abort the process in a C++
    destructor ("terminate called without an active exception", exit -6 instead of 130), so an
    interrupted command with threads still running ends at once, its output flushed.
    """
    code = main()
    if code == 130 and threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
