"""`reportgen cache clear`: forget every cached model result, drawn figure, recorded render and
made render environment."""

from __future__ import annotations

import argparse

HELP = "manage the model-results cache"
EXAMPLE = "example:\n  reportgen cache clear"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["clear"], help="clear: remove every cached result")


def run(args: argparse.Namespace) -> int:
    from ..analysis.cache import ResultCache
    from ..report.figures import clear_stored
    from ..report.render_memo import FOLDER, clear_renders

    cache = ResultCache()
    print(f"removed {cache.clear()} cached model results from {cache.folder}")
    print(f"removed {clear_stored()} cached figure sets from {cache.folder / 'figures'}")
    print(f"removed {clear_renders()} recorded renders from {cache.folder / FOLDER}")
    from ..environments.venvs import clear_environments, environments_dir

    print(f"removed {clear_environments()} render environments from {environments_dir()}")
    return 0
