"""One small report (its title page names Åsa Öberg), copied under every LMS's names: the
downloads of tests/lms, verified once per LMS (the same bytes are checked once)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from reportgen.cli import main

from ..helpers import BUILD_ARGS, COURSE_DATA, write_fast_toml
from .downloads import (
    FIXTURES,
    MOODLE_HEADER_EN,
    blackboard_download,
    canvas_download,
    canvas_gradebook,
    folder_of,
    moodle_download,
    moodle_worksheet,
    zip_of,
)

GRADING = (
    "\n[grading]\nmax = 10\nreproduced = 10\nwithin_tolerance = 10\ndiffers = 5\n"
    "tampered = 0\nerror = 0\nmismatch = -2.5\n"
)


@pytest.fixture(scope="session")
def asa(tmp_path_factory) -> tuple[bytes, Path]:
    """(a report PDF by Åsa Öberg, the course's config with [grading])."""
    tmp = tmp_path_factory.mktemp("lms-report")
    config = write_fast_toml(tmp / "fast.toml", report={"author": "Åsa Öberg"})
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(tmp / "out")]) == 0
    course = tmp / "course.toml"
    course.write_text(Path(config).read_text("utf-8") + COURSE_DATA + GRADING, encoding="utf-8")
    return (tmp / "out" / "report.pdf").read_bytes(), course


def run(*argv: str) -> tuple[int, dict, str]:
    """`reportgen verify ARGV --format json`: (exit code, the JSON report, the console)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["verify", *argv, "--format", "json"])
    return code, (json.loads(out.getvalue()) if out.getvalue() else {}), err.getvalue()


@pytest.fixture(scope="session")
def canvas_run(asa, tmp_path_factory) -> dict:
    """A Canvas download with its gradebook (BOM, CRLF) and feedback: the run's files."""
    pdf, course = asa
    tmp = tmp_path_factory.mktemp("canvas")
    download = zip_of(tmp / "submissions.zip", canvas_download(pdf, pdf))
    grades = tmp / "Grades-KK2.csv"
    grades.write_bytes(canvas_gradebook())
    summary, feedback = tmp / "klass", tmp / "feedback"
    code, report, console = run(
        str(download), "--expect", str(course), "--summary", str(summary),
        "--gradebook", str(grades), "--assignment", "7001", "--feedback", str(feedback),
    )  # fmt: skip
    return {"code": code, "report": report, "console": console, "summary": summary,
            "feedback": feedback, "gradebook": grades}  # fmt: skip


@pytest.fixture(scope="session")
def moodle_run(asa, tmp_path_factory) -> dict:
    """Moodle downloads: 4.1 folders (a ZIP), 3.x folders with a trailing `_` (unpacked) and
    flat names (a ZIP); with the grading worksheet and feedback."""
    pdf, course = asa
    tmp = tmp_path_factory.mktemp("moodle")
    new = zip_of(tmp / "KK2-new.zip", moodle_download(pdf, pdf))
    old = folder_of(tmp / "KK2-old", {"Öberg, Åsa_601_assignsubmission_file_/Rapport.pdf": pdf})
    flat = zip_of(tmp / "KK2-flat.zip", {"Åsa Öberg_701_assignsubmission_file_R.pdf": pdf})
    sheet = tmp / "Grades-KK2.csv"
    sheet.write_bytes(moodle_worksheet(MOODLE_HEADER_EN))
    summary, feedback = tmp / "klass", tmp / "feedback"
    argv = [str(new), str(old), str(flat), "--expect", str(course), "--summary", str(summary),
            "--gradebook", str(sheet), "--feedback", str(feedback)]  # fmt: skip
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1768557600")  # 2026-01-16 10:00 UTC: the grades' time
    try:
        code, report, console = run(*argv)
    finally:
        mp.undo()
    return {"code": code, "report": report, "console": console, "summary": summary,
            "feedback": feedback, "gradebook": sheet}  # fmt: skip


@pytest.fixture(scope="session")
def blackboard_run(asa, tmp_path_factory) -> dict:
    """A Blackboard download with its Grade Center file (fixtures/blackboard-grade-center.csv,
    the item out of 25 points): the run's files."""
    pdf, course = asa
    tmp = tmp_path_factory.mktemp("blackboard")
    download = zip_of(tmp / "gradebook_KK2.zip", blackboard_download(pdf, pdf))
    grades = tmp / "gc_KK2_fullgc_2026-01-17-09-00-00.csv"
    grades.write_bytes((FIXTURES / "blackboard-grade-center.csv").read_bytes())
    summary = tmp / "klass"
    code, report, console = run(
        str(download), "--expect", str(course), "--summary", str(summary),
        "--gradebook", str(grades), "--assignment", "1338929",
    )  # fmt: skip
    return {"code": code, "report": report, "console": console, "summary": summary,
            "gradebook": grades}  # fmt: skip
