"""What several commands share: writing their output, checking a tolerance."""

from __future__ import annotations

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


def check_tolerance(tolerance: float) -> None:
    """--tolerance is a size: 0 or more."""
    if tolerance < 0:
        raise ReportgenError(f"--tolerance must be 0 or more, got {tolerance}")
