"""Run history in OUT/runs/<run-id>/, the latest run copied to OUT/, and the output lock.

A build writes into a staging folder under OUT/runs/ and only a complete run is renamed into
place and published: a failed or killed build never touches the previous report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from .errors import InputError, ReportgenError
from .files import read_bounded, write_temp
from .results import (
    ModelKey,
    ModelTiming,
    NonNegative,
    Positive,
    Schema,
    dumps,
    parse_json_document,
)

RUNS_DIR = "runs"
LOCK_FILE = ".reportgen.lock"
PUBLISHED = ("results.json", "run.json", "report.html", "report.pdf")


class FitTime(ModelTiming):
    """One model's fit times; `cached`: this build took it from the cache (times are the
    computation's)."""

    cached: bool


class Machine(Schema):
    cpus: Positive
    platform: str
    # every fit's BLAS thread count (tuning.blas_threads), and the BLAS libraries loaded
    blas_threads: Positive | None = None
    blas: list[str] | None = None


class LocalPaths(Schema):
    """Where this build's inputs are on this machine: never attached to the PDF."""

    data_folder: str = ""
    templates_dir: str = ""
    self_evaluation: str = ""


class RunRecord(Schema):
    """run.json: what varies between identical builds (the clock, times, the machine, local
    paths). It stays in the output folder; only results.json travels in the PDF."""

    finished_utc: str
    wall_seconds: NonNegative
    machine: Machine
    fit_seconds: dict[ModelKey, FitTime]
    local: LocalPaths | None = None
    render_key: str | None = None
    # built with --untested-stack: each render-stack package at another version than tested
    untested_stack: list[str] = []

    def to_json(self) -> str:
        return dumps(self.to_data())


def read_run(path: Path) -> RunRecord | None:
    """A run.json, or None when it is missing or not a valid one (then nothing is reused)."""
    try:
        return RunRecord.model_validate(parse_json_document(read_bounded(path), str(path)))
    except (InputError, ValidationError):
        return None


def run_id(results_text: str, now: dt.datetime | None = None) -> str:
    """A UTC time plus a short hash of the results: 20261124T061500Z-3fa9c2d1."""
    now = now or dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(results_text.encode("utf-8")).hexdigest()[:8]
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{digest}"


@contextlib.contextmanager
def output_lock(out_root: Path) -> Iterator[None]:
    """Hold OUT/.reportgen.lock for the build; a second build into OUT refuses at once."""
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        fh = open(out_root / LOCK_FILE, "a+")  # noqa: SIM115 (held for the whole build)
    except OSError as exc:
        raise ReportgenError(
            f"cannot write to output directory {out_root} ({exc.strerror}): "
            "fix its permissions or choose another --out"
        ) from None
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportgenError(
                f"another reportgen build is writing to {out_root}: wait for it to finish "
                "or choose another --out"
            ) from None
        yield
    finally:
        fh.close()


@contextlib.contextmanager
def staging_dir(
    out_root: Path, parent: Path | None = None, prefix: str = ".building-"
) -> Iterator[Path]:
    """A fresh folder under OUT/runs/ (or `parent`) for work in progress; removed unless kept."""
    runs = parent or out_root / RUNS_DIR
    try:
        runs.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=runs, prefix=prefix))
    except OSError as exc:
        raise ReportgenError(
            f"cannot write to output directory {out_root} ({exc.strerror}): "
            "free space, fix permissions or choose another --out"
        ) from None
    try:
        yield path
    finally:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def keep_run(staging: Path, out_root: Path, rid: str) -> Path:
    """Move a complete staging folder to OUT/runs/<rid>/ (<rid>-2, -3, ... when two builds of
    the same results finish within one second)."""
    runs = out_root / RUNS_DIR
    final, n = runs / rid, 1
    while True:
        try:
            os.rename(staging, final)  # never onto an existing run
            return final
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY) or n > 99:
                raise
            n += 1
            final = runs / f"{rid}-{n}"


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[list[int]]:
    """Ctrl-C and SIGTERM are recorded, not raised, inside the block (the main thread's only).

    For steps that must not stop halfway, such as publishing: the caller checks the yielded
    list afterwards and stops then.
    """
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in held}
    try:
        yield pending
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def publish(run_dir: Path, out_root: Path) -> list[Path]:
    """Copy a run's files to OUT/ as the latest; figures swapped as a folder.

    Two phases: every file is first written under a temporary name (where a full disk or a
    failure stops the publish with OUT/ untouched), then all are renamed into place. Run it
    inside deferred_interrupts() so that Ctrl-C cannot stop it between two renames.
    """
    temps: list[tuple[Path, str]] = []
    figures_tmp: Path | None = None
    try:
        if (run_dir / "figures").is_dir():
            figures_tmp = Path(tempfile.mkdtemp(dir=out_root, prefix=".figures-"))
            shutil.copytree(run_dir / "figures", figures_tmp, dirs_exist_ok=True)
        for name in PUBLISHED:
            if (run_dir / name).exists():
                temps.append((write_temp(out_root / name, (run_dir / name).read_bytes()), name))
        if figures_tmp is not None:
            _swap_folder(figures_tmp, out_root / "figures")
            figures_tmp = None
        for tmp, name in temps:
            os.replace(tmp, out_root / name)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        if figures_tmp is not None:
            shutil.rmtree(figures_tmp, ignore_errors=True)
    return [out_root / name for _, name in temps]


def _swap_folder(new: Path, old: Path) -> None:
    if not old.exists():
        os.replace(new, old)
        return
    trash = Path(tempfile.mkdtemp(dir=old.parent, prefix=".old-figures-"))
    os.replace(old, trash / old.name)
    os.replace(new, old)
    shutil.rmtree(trash, ignore_errors=True)


STALE = (".*.tmp", ".figures-*", ".old-figures-*", ".rendering-*")


def clean_stale(out_root: Path) -> list[Path]:
    """Remove what a killed build or render left behind in OUT/ and OUT/runs/.

    Call it holding OUT's lock: then no live build owns these temporary files and folders.
    """
    found = [p for pattern in STALE for p in out_root.glob(pattern)]
    found += list((out_root / RUNS_DIR).glob(".building-*"))
    for path in found:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return found
