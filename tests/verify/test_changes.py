"""A class checked again (`verify --previous DIR`): every submission matched to its earlier
entry, what changed and its cause; `unexplained` first; an earlier summary that is not one is
refused in one line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.errors import exit_code
from reportgen.results import Results
from reportgen.verify.changes import compare_checks, match
from reportgen.verify.outcome import findings
from reportgen.verify.previous import Entry, Summary, load_previous

from ..helpers import BUILD_ARGS, COURSE_DATA, one_error_line, report_pdf, run_verify

GRADING = (
    "\n[grading]\nmax = 10\nreproduced = 10\nwithin_tolerance = 9\ndiffers = 5\ntampered = 0\n"
    "error = 0\ndeparts = -1\n"
)


def _course(path: Path, write_fast_toml, cv: int) -> str:
    course = write_fast_toml(path, report={"author": "Kursansvarig"})
    text = Path(course).read_text(encoding="utf-8") + COURSE_DATA + f"[tuning]\ncv = {cv}\n"
    Path(course).write_text(text + GRADING, encoding="utf-8")
    return course


@pytest.fixture(scope="module")
def checked_twice(tmp_path_factory, write_fast_toml):
    """One class verified twice. First: a.pdf and b.pdf (the same build), nudged.pdf (a Ridge
    RMSE 5e-5 off, text and attachments agreeing), gone.pdf (no PDF), tolerance 1e-6, the
    course with cv = 0 (the default). Second, in another folder: a.pdf renamed anna.pdf, b.pdf
    resubmitted (now the nudged report), gone.pdf removed, new.pdf added, tolerance 1e-3 and the
    course's cv = 3 (every submission now departs from it)."""
    tmp = tmp_path_factory.mktemp("changes")
    config = write_fast_toml(tmp / "a.toml", report={"author": "Anna"})
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(tmp / "a")]) == 0
    data = json.loads((tmp / "a" / "results.json").read_text(encoding="utf-8"))
    data["models"]["ridge"]["tuned"]["test"]["rmse"] += 5e-5
    nudged = report_pdf(Results.model_validate(data), tmp / "nudged")

    first, second = tmp / "first", tmp / "second"
    first.mkdir()
    shutil.copy(tmp / "a" / "report.pdf", first / "a.pdf")
    shutil.copy(tmp / "a" / "report.pdf", first / "b.pdf")
    shutil.copy(nudged, first / "nudged.pdf")
    (first / "gone.pdf").write_bytes(b"not a PDF")
    course = _course(tmp / "course.toml", write_fast_toml, 0)
    s1 = tmp / "s1"
    run1 = run_verify(str(first), "--expect", course, "--summary", str(s1))

    second.mkdir()
    shutil.copy(first / "a.pdf", second / "anna.pdf")
    shutil.copy(nudged, second / "b.pdf")
    shutil.copy(nudged, second / "nudged.pdf")
    shutil.copy(tmp / "a" / "report.pdf", second / "new.pdf")
    (second / "new.pdf").write_bytes((second / "new.pdf").read_bytes() + b"\n% a new copy\n")
    course2 = _course(tmp / "course2.toml", write_fast_toml, 3)
    s2 = tmp / "s2"
    argv = [str(second), "--expect", course2, "--summary", str(s2), "--previous", str(s1)]
    run2 = run_verify(*argv, "--tolerance", "1e-3")
    return run1, run2, s1, s2, second


def _rows(s2: Path) -> dict[str, dict[str, str]]:
    text = (s2 / "changes.csv").read_text(encoding="utf-8")
    return {Path(r["file"]).name: r for r in csv.DictReader(io.StringIO(text))}


def test_every_changed_verdict_names_its_cause_and_none_is_unexplained(checked_twice):
    (_, report1, _), (_, report2, console), _, s2, _ = checked_twice
    verdicts1 = {Path(e["path"]).name: e["verdict"] for e in report1["submissions"]}
    assert verdicts1 == {"a.pdf": "reproduced", "b.pdf": "reproduced", "gone.pdf": "error",
                         "nudged.pdf": "differs"}  # fmt: skip
    rows = _rows(s2)
    assert set(rows) == {"anna.pdf", "b.pdf", "nudged.pdf", "new.pdf", "gone.pdf"}
    changed = [r for r in rows.values() if r["verdict_before"] and r["verdict_after"]
               and r["verdict_before"] != r["verdict_after"]]  # fmt: skip
    assert {Path(r["file"]).name for r in changed} == {"b.pdf", "nudged.pdf"}
    for row in changed:
        assert row["cause"], row
    assert not any(r["status"] == "unexplained" for r in rows.values())
    assert "unexplained" not in report2["changes"]["counts"]
    assert "changes since" in console and "unexplained:" not in console

    nudged = rows["nudged.pdf"]  # a verdict the tolerance decides, and a new departure
    assert (nudged["verdict_before"], nudged["verdict_after"]) == ("differs", "within_tolerance")
    assert "tolerance 1e-06 -> 0.001" in nudged["cause"]
    assert "course config tuning.cv: 0 -> 3" in nudged["cause"]
    assert (nudged["grade_before"], nudged["grade_after"]) == ("5", "8")
    resent = rows["b.pdf"]  # the PDF itself
    assert resent["matched_by"] == "file name (another folder)"
    assert "the PDF itself: resubmitted" in resent["cause"]
    assert "tolerance" not in resent["cause"]  # reproduced -> within tolerance: not a tolerance's
    renamed = rows["anna.pdf"]
    assert renamed["matched_by"] == "same PDF bytes (renamed)"
    assert Path(renamed["path_before"]).name == "a.pdf"
    assert renamed["verdict_before"] == renamed["verdict_after"] == "reproduced"
    assert renamed["cause"] == "course config tuning.cv: 0 -> 3"  # its grade: 10 -> 9
    assert (renamed["grade_before"], renamed["grade_after"]) == ("10", "9")
    assert rows["new.pdf"]["status"] == "new" and rows["gone.pdf"]["status"] == "vanished"


def test_the_record_says_what_each_cause_was_read_from(checked_twice):
    _, (_, report2, _), _, s2, second = checked_twice
    saved = json.loads((s2 / "summary.json").read_text(encoding="utf-8"))
    record = saved["checked_with"]
    assert record["tolerance"] == 1e-3
    assert record["course"]["keys"]["tuning.cv"] == 3
    assert record["course"]["keys"]["grading.departs"] == -1.0
    assert {"reportgen", "libraries", "tolerance", "course", "sha256", "data"} <= set(
        record["sources"]
    )
    assert "scikit-learn" in record["libraries"] and "weasyprint" in record["libraries"]
    for entry in saved["submissions"]:
        assert len(entry["sha256"]) == 64
        assert entry["rebuilt"]["fingerprint"] == saved["submissions"][0]["rebuilt"]["fingerprint"]
    assert saved["changes"] == report2["changes"]
    # a third check compares with the second: the same class, nothing changed
    again = compare_checks(load_previous(s2), report2, str(s2))
    assert again["counts"] == {"unchanged": 4} and again["differences"] == []


def test_unexplained_changes_come_first(checked_twice):
    """An earlier verdict edited by hand: nothing that differs between the checks explains it."""
    _, (_, report2, _), _, s2, _ = checked_twice
    saved = json.loads((s2 / "summary.json").read_text(encoding="utf-8"))
    last = saved["submissions"][-1]
    last["verdict"] = "tampered" if last["verdict"] != "tampered" else "reproduced"
    changes = compare_checks(Summary.model_validate(saved), report2, "edited")
    first = changes["submissions"][0]
    assert first["status"] == "unexplained" and first["path"] == last["path"]
    assert first["unexplained"] == [
        f"verdict {last['verdict']} -> {report2['submissions'][-1]['verdict']}"
    ]
    assert changes["counts"]["unexplained"] == 1
    # --fail-on unexplained: exit 1 for this, 0 for the real second check (nothing unexplained)
    assert exit_code(findings({**report2, "changes": changes}), ["unexplained"]) == 1
    assert exit_code(findings(report2), ["unexplained"]) == 0


def test_the_pages_link_the_changes(checked_twice):
    *_, s2, _ = checked_twice
    index = (s2 / "index.html").read_text(encoding="utf-8")
    assert "<a href='changes.html'>Ändringar sedan förra kontrollen</a>" in index
    page = (s2 / "changes.html").read_text(encoding="utf-8")
    assert "What differs between the two checks" in page and "tolerance 1e-06 -&gt; 0.001" in page
    assert "<script src" not in page and "http" not in page.replace("http-equiv", "")


def _entry(path: str, **extra) -> Entry:
    return Entry.model_validate({"path": path, "verdict": "reproduced", **extra})


def test_a_students_latest_is_matched_by_their_id_whatever_the_file():
    before = [
        _entry("dl1.zip/anna_501_a.pdf", lms="canvas", student_id="501", latest=True),
        _entry("dl1.zip/anna_501_old.pdf", lms="canvas", student_id="501", latest=False),
        _entry("dl1.zip/bo_502_a.pdf", lms="canvas", student_id="502", latest=True),
    ]
    after = [
        _entry("dl2.zip/anna_501_b.pdf", lms="canvas", student_id="501", latest=True),
        _entry("dl2.zip/cilla_503_a.pdf", lms="canvas", student_id="503", latest=True),
    ]
    pairs = match(before, after)
    shown = [(b and b.path, a and a.path, how) for b, a, how in pairs]
    assert shown == [
        ("dl1.zip/anna_501_a.pdf", "dl2.zip/anna_501_b.pdf", "canvas student id 501"),
        (None, "dl2.zip/cilla_503_a.pdf", ""),
        ("dl1.zip/anna_501_old.pdf", None, ""),
        ("dl1.zip/bo_502_a.pdf", None, ""),
    ]


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda d: None, "no such folder"),
        (lambda d: d.mkdir(), "no summary.json in it"),
        (lambda d: (d.mkdir(), (d / "summary.json").write_text("{oops")), "is not JSON (line 1"),
        (
            lambda d: (d.mkdir(), (d / "summary.json").write_text("[1, 2]")),
            "is not a verify summary",
        ),
        (
            lambda d: (
                d.mkdir(),
                (d / "summary.json").write_text(
                    '{"submissions": [{"path": "a.pdf", "verdict": "great"}]}'
                ),
            ),
            "submissions.0.verdict",
        ),
        (lambda d: (d.mkdir(), (d / "summary.json").write_text("[" * 100000)), "cannot be read"),
    ],
)
def test_an_earlier_summary_that_is_none_is_one_line_before_any_work(tmp_path, capsys, make, said):
    make(tmp_path / "old")
    line = one_error_line(
        capsys,
        main(["verify", str(tmp_path / "nothing-here"), "--previous", str(tmp_path / "old")]),
    )
    assert said in line and "--summary DIR an earlier `reportgen verify` wrote" in line
