"""`reportgen compare RUN...`: many runs side by side (only what differs), each score over the
runs, and each classifier's confusion matrix minus the baseline's."""

from __future__ import annotations

import argparse
import sys

from ..errors import ReportgenError
from .common import write_output

HELP = "many runs side by side: run folders, results.json files, report PDFs or globs"
EXAMPLE = (
    "examples:\n  reportgen compare 'output/runs/*' --output compare.html\n"
    "  reportgen compare class/*.pdf --format csv --all\n"
    "  reportgen compare output/runs/A output/runs/B output/runs/C --baseline output/runs/B\n"
    "a run that cannot be read is one line on stderr and the others go on;\n"
    "exit code: 0 every run read, 1 some run could not be read (the rest compared), 2 an error"
)
FORMATS = ("html", "text", "markdown", "json", "csv")  # compare's formats (not imported: --help)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "runs",
        nargs="+",
        metavar="RUN",
        help="a run folder, results.json, report PDF, a folder of them, or a glob (quoted)",
    )
    p.add_argument("--format", choices=FORMATS, default="html")
    p.add_argument("--output", help="write the comparison to this file instead of stdout")
    p.add_argument("--all", action="store_true", help="every column, not only those that differ")
    p.add_argument(
        "--baseline",
        metavar="RUN",
        help="the run the confusion matrices are compared with (default: the first)",
    )


def run(args: argparse.Namespace) -> int:
    from ..compare.many import build, find_baseline
    from ..compare.many_formats import to_csv, to_json, to_markdown, to_text
    from ..compare.many_page import to_html
    from ..compare.sources import read_many

    runs, problems = read_many(args.runs)
    baseline = find_baseline(runs, args.baseline)
    if baseline < 0:  # a baseline that is not among the runs: read it, first
        extra, extra_problems = read_many([args.baseline])
        if extra_problems or not extra:
            raise ReportgenError(f"--baseline: {(extra_problems or ['not found'])[0]}")
        runs, baseline = extra + runs, 0
    for problem in problems:
        print(f"reportgen: skipped {problem}", file=sys.stderr)
    if len(runs) < 2:
        raise ReportgenError(
            f"compare needs two runs or more, {len(runs)} could be read: give run folders, "
            "results.json files, report PDFs or a glob such as 'output/runs/*'"
        )
    comparison = build(runs, baseline, args.all)
    formats = {
        "html": lambda c: to_html(c, problems),
        "text": to_text,
        "markdown": to_markdown,
        "json": to_json,
        "csv": to_csv,
    }
    write_output(formats[args.format](comparison), args.output)
    return 1 if problems else 0
