"""`reportgen app [OUT]`: the Streamlit app on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "explore the runs of an output folder in a local web app"
EXAMPLE = "example:\n  reportgen app output --port 8501   # then open the printed URL"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", nargs="?", default="output", help="the output folder (default: output/)")
    p.add_argument("--port", type=int, help="the port (default: a free one)")
    p.add_argument("--data", help="the IDX folder of the runs' data (for test digits)")


def run(args: argparse.Namespace) -> int:
    from ..app.server import serve

    return serve(Path(args.out), args.port, args.data)
