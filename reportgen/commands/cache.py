"""`reportgen cache clear`: forget every cached model result and drawn figure."""

from __future__ import annotations

import argparse

HELP = "manage the model-results cache"
EXAMPLE = "example:\n  reportgen cache clear"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["clear"], help="clear: remove every cached result")


def run(args: argparse.Namespace) -> int:
    from ..analysis.cache import ResultCache
    from ..report.figures import clear_stored

    cache = ResultCache()
    print(f"removed {cache.clear()} cached model results from {cache.folder}")
    print(f"removed {clear_stored()} cached figure sets from {cache.folder / 'figures'}")
    return 0
