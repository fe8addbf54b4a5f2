"""`reportgen schema`: the JSON Schema of results.json on stdout."""

from __future__ import annotations

import argparse
import json
import sys

HELP = "print the JSON Schema of results.json"
EXAMPLE = "example:\n  reportgen schema > results.schema.json"


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from ..results import results_json_schema

    sys.stdout.write(json.dumps(results_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0
