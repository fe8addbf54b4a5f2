"""What several commands share: a tolerance, and where their output goes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ReportgenError


def write_output(text: str, path: str | None) -> None:
    """`text` into the file `path` (atomically), or on stdout when there is none."""
    if path:
        from ..files import write_atomic

        write_atomic(Path(path), text)
    else:
        sys.stdout.write(text)


def add_tolerance_and_output(
    p: argparse.ArgumentParser, tolerance: float, tolerance_help: str, what: str
) -> None:
    """--tolerance (a size, default `tolerance`) and --output (a file instead of stdout)."""
    p.add_argument("--tolerance", type=float, default=tolerance, help=tolerance_help)
    p.add_argument("--output", help=f"write the {what} to this file instead of stdout")


def check_tolerance(tolerance: float) -> None:
    """--tolerance is a size: 0 or more."""
    if tolerance < 0:
        raise ReportgenError(f"--tolerance must be 0 or more, got {tolerance}")
