"""Run history in OUT/runs/<run-id>/, the latest run copied to OUT/, and the output lock.

A build writes into a staging folder under OUT/runs/ and only a complete run is renamed into
place and published: a failed or killed build never touches the previous report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ReportgenError
from .results import write_atomic

RUNS_DIR = "runs"
LOCK_FILE = ".reportgen.lock"
PUBLISHED = ("results.json", "run.json", "report.html", "report.pdf")


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
def staging_dir(out_root: Path) -> Iterator[Path]:
    """A fresh folder under OUT/runs/ for a build in progress; removed unless kept."""
    runs = out_root / RUNS_DIR
    try:
        runs.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=runs, prefix=".building-"))
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
    """Move a complete staging folder to OUT/runs/<rid>/."""
    final = out_root / RUNS_DIR / rid
    os.replace(staging, final)
    return final


def publish(run_dir: Path, out_root: Path) -> list[Path]:
    """Copy a run's files to OUT/ as the latest, each atomically; figures swapped as a folder."""
    written = []
    figures = run_dir / "figures"
    if figures.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=out_root, prefix=".figures-"))
        shutil.copytree(figures, tmp, dirs_exist_ok=True)
        old = out_root / "figures"
        if old.exists():
            trash = Path(tempfile.mkdtemp(dir=out_root, prefix=".old-figures-"))
            os.replace(old, trash / "figures")
            os.replace(tmp, old)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, old)
    for name in PUBLISHED:
        src = run_dir / name
        if src.exists():
            write_atomic(out_root / name, src.read_bytes())
            written.append(out_root / name)
    return written


def list_runs(out_root: Path) -> list[Path]:
    """Completed runs under OUT/runs/, oldest first."""
    runs = out_root / RUNS_DIR
    if not runs.is_dir():
        return []
    return sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith("."))
