"""`reportgen verify PDF|DIR...`: a verdict per submission; the exit code in EXAMPLE."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import ReportgenError, exit_code
from ..files import StagedFolders
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
    "(or a usage error), 1 otherwise (also when a student's feedback, page or gradebook row "
    "could not be written: the summary's column 'not written' says why)"
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
        help="the LMS's gradebook CSV (Canvas), grading worksheet (Moodle) or Grade Center "
        "download (Blackboard): written with the grades into --summary DIR (needs [grading] in "
        "--expect)",
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
    from ..verify.outcome import Options, clean_report, failed_outputs, findings
    from ..verify.progress import ClassProgress

    check_tolerance(args.tolerance)
    _render_environments_from(args.wheels, args.offline)
    if args.jobs < 1:
        raise ReportgenError(f"--jobs must be 1 or more, got {args.jobs}")
    if args.assignment and not args.gradebook:
        raise ReportgenError("--assignment picks the column of a --gradebook FILE: give both")
    _writable(args.summary, "--summary")  # before the class is checked, not after the hour
    _writable(args.feedback, "--feedback")
    grading = None
    if args.gradebook and args.summary:
        _gradebook_outside(Path(args.gradebook), Path(args.summary))
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
    clean_report(checked)
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
        from ..untrusted import clean_data
        from ..verify.changes import compare_checks, console_lines

        # the earlier summary.json is read as untrusted too
        report["changes"] = clean_data(compare_checks(previous, report, args.previous))
        print("\n".join(console_lines(report["changes"])), file=sys.stderr)
    write_outputs(args, checked, course, grading)
    write_output(FORMATS[args.format](report), args.output)
    if report["interrupted"]:
        raise KeyboardInterrupt
    code = exit_code(findings(report), args.fail_on or ["any"])
    return max(code, 1) if failed_outputs(report) else code


def write_outputs(args: argparse.Namespace, checked: Any, course: Any, grading: Any) -> None:
    """The gradebook, the feedback and the summary, written into staging folders beside their
    destinations and moved into place together at the end (files.StagedFolders): a run that
    fails or is interrupted (while checking or writing) leaves the previous ones as they were
    and no partial new ones. One student's output that cannot be written is named on their
    entry (and the console); the rest are written all the same."""
    from ..runs import deferred_interrupts
    from ..verify import feedback, summary

    wanted = {"summary": args.summary, "feedback": args.feedback}
    if checked.report["interrupted"]:  # what finished is in the report (stdout, --output)
        named = [f"{w} {wanted[w]}" for w in wanted if wanted[w]] + (
            [f"gradebook {args.gradebook}"] if args.gradebook else []
        )
        if named:
            print(
                f"interrupted: nothing written ({', '.join(named)}): the previous outputs are as "
                "they were; the finished checks are in verify's report (--output FILE keeps it)",
                file=sys.stderr,
            )
        return
    owns = {"summary": summary.own_file, "feedback": feedback.own_file}
    lines: list[str] = []
    with StagedFolders() as stage:
        staged: dict[str, Path] = {}
        shown: dict[str, Path] = {}
        # a folder inside the other is written inside the other's staging: the outer first
        for what in sorted((w for w in wanted if wanted[w]), key=lambda w: _depth(wanted[w])):
            shown[what] = Path(wanted[what])
            staged[what] = stage.folder(shown[what], owns[what])
        if args.gradebook:
            from ..verify.roundtrip import write_gradebook

            target, written = write_gradebook(
                checked.report, Path(args.gradebook), staged["summary"], args.assignment, grading
            )
            lines += [line.replace(str(target), str(shown["summary"] / target.name))
                      for line in written]  # fmt: skip
        if args.feedback:
            written = feedback.write_feedback(checked, staged["feedback"], course, grading)
            lines += [line.replace(str(staged["feedback"]), str(shown["feedback"]))
                      for line in written]  # fmt: skip
        if args.summary:
            for path in summary.write_summary(checked, staged["summary"], course):
                lines.append(f"wrote {shown['summary'] / path.relative_to(staged['summary'])}")
        with deferred_interrupts() as pending:
            stage.publish()
    if lines:
        print("\n".join(lines), file=sys.stderr)
    for entry in checked.report["submissions"]:
        for line in entry.get("output_errors", []):
            print(f"{entry['path']}: {line}", file=sys.stderr)
    if pending:
        raise KeyboardInterrupt


def _writable(folder: str | None, option: str) -> None:
    """A folder verify will write (beside which it stages): refused at once when it cannot be."""
    if not folder:
        return
    path = Path(os.path.realpath(folder))
    if path.exists() and not path.is_dir():
        raise ReportgenError(f"{option} {folder} is a file, not a folder: name a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ReportgenError(
            f"{option} {folder}: cannot write in {existing}: fix its permissions or name another"
        )


def _gradebook_outside(downloaded: Path, summary: Path) -> None:
    """The gradebook is written as SUMMARY/<its name>: never over the download itself."""
    if (summary / downloaded.name).resolve() == downloaded.resolve():
        raise ReportgenError(
            f"--summary {summary} holds the gradebook {downloaded.name}: pick another folder"
        )


def _depth(folder: str) -> int:
    return len(Path(os.path.realpath(folder)).parts)
