"""`reportgen diff A B`: what changed between two runs; exit 1 when something did."""

from __future__ import annotations

import argparse

from ..errors import exit_code
from .common import add_tolerance_and_output, check_tolerance, write_output

HELP = "compare two runs: run folders, results.json files or report PDFs"
EXAMPLE = (
    "examples:\n  reportgen diff output/runs/RUN1 output/runs/RUN2\n"
    "  reportgen diff old/report.pdf new/report.pdf --fail-on worse\n"
    "exit code: 0 no difference, 1 differences found, 2 an error (e.g. an invalid file)"
)
FORMATS = (
    "text",
    "markdown",
    "json",
    "html",
    "csv",
)  # compare.formats.FORMATS (not imported: --help)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", help="the earlier run: a run folder, results.json or report PDF")
    p.add_argument("b", help="the later run")
    p.add_argument("--format", choices=FORMATS, default="text")
    tolerance_help = "ignore metric changes up to this size (accuracy as a fraction)"
    add_tolerance_and_output(p, 0.0, tolerance_help, "diff")
    p.add_argument(
        "--fail-on",
        choices=["any", "worse"],
        default="any",
        help="exit 1 on any difference (default) or only when a metric got worse",
    )


def run(args: argparse.Namespace) -> int:
    from ..compare.diff import compare
    from ..compare.formats import FORMATS, findings
    from ..compare.sources import load_side

    check_tolerance(args.tolerance)
    diff = compare(load_side(args.a), load_side(args.b), args.tolerance)
    write_output(FORMATS[args.format](diff), args.output)
    return exit_code(findings(diff), [args.fail_on])
