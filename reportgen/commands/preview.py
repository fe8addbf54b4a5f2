"""`reportgen preview [DIR]`: the report's HTML on 127.0.0.1, brought up to date on each save."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..errors import ReportgenError

HELP = "serve the report's HTML and update the open page on each save; fits only on a new analysis"
EXAMPLE = (
    "example:\n  reportgen preview my-report          # then open the printed URL, edit, save\n"
    "  reportgen preview . --port 8000"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "dir",
        nargs="?",
        default=".",
        help="your report's folder: report.toml, output/ (default: here)",
    )
    p.add_argument("--port", type=int, default=0, help="the port (default 0: a free one)")


def run(args: argparse.Namespace) -> int:
    from ..preview.server import run_preview
    from .build import Console

    folder = Path(args.dir)
    if not folder.is_dir():
        raise ReportgenError(
            f"{folder} is not a folder: give your report's folder (reportgen init)"
        )
    if not 0 <= args.port <= 65535:
        raise ReportgenError(f"--port must be 0 (a free one) to 65535, got {args.port}")
    # paths in report.toml read as `reportgen build` in that folder reads them
    os.chdir(folder)
    return run_preview(Path("."), args.port, Console())
