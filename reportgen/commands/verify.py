"""`reportgen verify PDF|DIR...`: a verdict per submission; the exit code in EXAMPLE."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import ReportgenError, exit_code
from .common import add_tolerance_and_output, check_tolerance, write_output

HELP = "check handed-in report PDFs: untouched, and does the analysis reproduce?"
EXAMPLE = (
    "examples:\n  reportgen verify inlamningar/anna.pdf\n"
    "  reportgen verify inlamningar/ --summary klass --expect kurs.toml --jobs 2\n"
    "  reportgen verify *.pdf --data ~/mnist --scheduler tcp://10.0.0.5:8786\n"
    "  reportgen verify inlamningar/ --expect kurs.toml --summary klass-2 --previous klass\n"
    "  reportgen verify submissions.zip --expect kurs.toml --summary klass \\\n"
    "      --gradebook grades.csv --feedback feedback   (a Canvas, Moodle or Blackboard download)\n"
    "verdicts: reproduced, within_tolerance, differs, tampered, unverifiable, error\n"
    "exit code: 0 every submission reproduced (or within tolerance), 2 every one an error "
    "(or a usage error), 1 otherwise"
)
FORMATS = ("text", "json", "markdown", "html", "csv")  # verify.formats.FORMATS


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="report PDFs, folders of them, or an LMS's download of an assignment (ZIP or folder)",
    )
    p.add_argument("--data", help="the IDX folder of the data the submissions used (full MNIST)")
    tolerance_help = "metric differences up to this size are within tolerance (default 1e-6)"
    add_tolerance_and_output(p, 1e-6, tolerance_help, "report")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="csv: a row per submission, as the summary's summary.csv",
    )
    p.add_argument("--summary", metavar="DIR", help="write a class summary (HTML, CSV, JSON)")
    p.add_argument("--expect", metavar="TOML", help="the course's config: mark departures")
    p.add_argument(
        "--fail-on",
        action="append",
        choices=["differs", "departs", "tampered", "unexplained"],
        help="what exits 1 (repeatable); default: anything not reproduced",
    )
    p.add_argument(
        "--gradebook",
        metavar="FILE",
        help="the LMS's gradebook CSV (Canvas) or grading worksheet (Moodle): written with the "
        "grades into --summary DIR (needs [grading] in --expect)",
    )
    p.add_argument("--assignment", metavar="NAME|ID", help="the gradebook's assignment column")
    p.add_argument(
        "--feedback",
        metavar="DIR",
        help="a feedback PDF per student, and the ZIP of them the LMS's bulk upload takes",
    )
    p.add_argument(
        "--previous",
        metavar="DIR",
        help="the --summary DIR of an earlier check of this class: what changed since, and why "
        "(changes.html and changes.csv in --summary DIR)",
    )
    p.add_argument("--jobs", type=int, default=1, help="submissions checked in N processes")
    p.add_argument("--scheduler", help="a Dask scheduler (tcp://HOST:PORT) for the rebuilds")
    p.add_argument("--no-cache", action="store_true", help="refit every model")
    p.add_argument(
        "--wheels",
        metavar="DIR",
        help="a folder of wheels to make submissions' own render environments from (besides "
        "the package index; REPORTGEN_WHEELS)",
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="make render environments from --wheels DIR and uv's cache only, never the index",
    )


def _render_environments_from(wheels: str | None, offline: bool) -> None:
    """Where submissions' render environments get their wheels: set for this process and the
    --jobs processes it starts (environments/venvs.py reads them)."""
    from ..environments.venvs import OFFLINE_VARIABLE, WHEELS_VARIABLE

    if wheels:
        if not Path(wheels).is_dir():
            raise ReportgenError(f"--wheels {wheels} is not a folder: give a folder of wheels")
        os.environ[WHEELS_VARIABLE] = str(Path(wheels).resolve())
    if offline:
        os.environ[OFFLINE_VARIABLE] = "1"


def run(args: argparse.Namespace) -> int:
    from ..verify.batch import verify_class
    from ..verify.formats import FORMATS
    from ..verify.outcome import Options, findings
    from ..verify.progress import ClassProgress

    check_tolerance(args.tolerance)
    _render_environments_from(args.wheels, args.offline)
    if args.jobs < 1:
        raise ReportgenError(f"--jobs must be 1 or more, got {args.jobs}")
    if args.assignment and not args.gradebook:
        raise ReportgenError("--assignment picks the column of a --gradebook FILE: give both")
    grading = None
    if args.gradebook:  # every problem of the gradebook before the class is verified
        from ..verify.roundtrip import preflight

        if not args.summary:
            raise ReportgenError("--gradebook writes into the --summary DIR: give --summary DIR")
        grading = preflight(Path(args.gradebook), args.assignment, args.expect)
    elif args.expect:
        from ..config import load_grading

        grading = load_grading(Path(args.expect))
    previous = None
    if args.previous:  # read (and refused, if it is no summary) before any work
        from ..verify.previous import load_previous

        previous = load_previous(args.previous)
    course = None
    if args.expect:
        from ..verify.course import course_record

        course = course_record(Path(args.expect))
    from ..config import load_flags

    near_copy = load_flags(args.expect).near_copy
    options = Options(args.data, args.tolerance, not args.no_cache)
    progress = ClassProgress()
    try:
        expect = Path(args.expect) if args.expect else None
        checked = verify_class(
            args.submissions, options, args.jobs, args.scheduler, progress, course, near_copy,
            expect,
        )  # fmt: skip
    finally:
        progress.stop()
    report = checked.report
    recalled = sum(entry.get("render") == "recalled" for entry in report["submissions"])
    memo = f", {recalled} report(s) recalled, not rendered (--no-cache renders)" if recalled else ""
    print(
        f"verify: {len(report['submissions'])} of {report['total']} submission(s), "
        f"{report['builds']} distinct build(s){memo}",
        file=sys.stderr,
    )
    if report["skipped"]:
        counts = ", ".join(f"{n} {why}" for why, n in report["skipped"].items())
        print(f"skipped {sum(report['skipped'].values())} entries: {counts}", file=sys.stderr)
    from ..verify.flags import pair_line

    for pair in report["pairs"]:
        print(pair_line(pair), file=sys.stderr)
    if grading is not None:
        from ..verify.roundtrip import add_grades

        add_grades(report, grading)
    if previous is not None:
        from ..verify.changes import compare_checks, console_lines

        report["changes"] = compare_checks(previous, report, args.previous)
        print("\n".join(console_lines(report["changes"])), file=sys.stderr)
    if args.gradebook:
        from ..verify.roundtrip import write_gradebook

        _, lines = write_gradebook(
            report, Path(args.gradebook), Path(args.summary), args.assignment
        )
        print("\n".join(lines), file=sys.stderr)
    if args.feedback:
        from ..verify.feedback import write_feedback

        for line in write_feedback(checked, Path(args.feedback), course, grading):
            print(line, file=sys.stderr)
    if args.summary:
        from ..verify.summary import write_summary

        for path in write_summary(checked, Path(args.summary)):
            print(f"wrote {path}", file=sys.stderr)
    write_output(FORMATS[args.format](report), args.output)
    if report["interrupted"]:
        raise KeyboardInterrupt
    return exit_code(findings(report), args.fail_on or ["any"])
