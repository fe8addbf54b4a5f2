"""`reportgen init [DIR]`: a starter folder; never overwrites a file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import DEFAULT_CONFIG

HELP = "make a starter folder: report.toml, sjalvutvardering.md and slutsats.md"
EXAMPLE = "example:\n  reportgen init my-report && cd my-report && reportgen build"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default=".", help="the folder (default: here)")


def run(args: argparse.Namespace) -> int:
    from ..starter import write_starter

    for path, written in write_starter(Path(args.dir)):
        print(f"{'wrote' if written else 'kept  '} {path}{'' if written else ' (exists)'}")
    print(f"next: edit {Path(args.dir) / DEFAULT_CONFIG}, then `reportgen build` in that folder")
    return 0
