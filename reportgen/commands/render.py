"""`reportgen render RUN_DIR`: HTML and PDF from stored results; fits nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "re-render a stored run's report; fits nothing"
EXAMPLE = "example:\n  reportgen render output --config report.toml   # new title or date"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run_dir", help="a folder holding results.json (e.g. output/)")
    p.add_argument(
        "--untested-stack",
        action="store_true",
        help="render even where a package of the render stack (WeasyPrint, ...) is not at the "
        "tested version (the run records it)",
    )
    p.add_argument("--config", help="TOML config: refresh title, author, date, self-evaluation")


def run(args: argparse.Namespace) -> int:
    from ..config import load_config
    from ..pipeline import render_run

    cfg = load_config(args.config) if args.config else None
    for path in render_run(Path(args.run_dir), cfg, untested_stack=args.untested_stack):
        print(f"wrote {path}")
    return 0
