"""All or nothing, and one student never stops the class: a Canvas class whose student's text
holds U+FFFE and control characters, a student whose feedback cannot be written, and a run
that stops while it writes (the previous outputs stay byte for byte)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reportgen.untrusted import REPLACEMENT

from .conftest import run
from .downloads import canvas_download, canvas_gradebook, zip_of

NASTY = "validerings\ufffeoch testdelen\x00\x07\x1b[31m\ud800"
STUDENTS = ("obergasa_101", "smithbob_LATE_102", "lee_mary_anne_105")


@pytest.fixture
def klass(asa, tmp_path) -> dict[str, Path]:
    """Three Canvas students (all the same honest report), the gradebook, and where to write."""
    pdf, course = asa
    files = {n: b for n, b in canvas_download(pdf, pdf).items() if n.startswith(STUDENTS)}
    files = {n: b for n, b in files.items() if n.endswith(".pdf") and "Rapport-1" not in n}
    grades = tmp_path / "Grades-KK2.csv"
    grades.write_bytes(canvas_gradebook())
    download = zip_of(tmp_path / "submissions.zip", files)
    return {"download": download, "course": course, "grades": grades,
            "summary": tmp_path / "klass", "feedback": tmp_path / "feedback"}  # fmt: skip


def verify(k: dict[str, Path]) -> tuple[int, dict, str]:
    return run(
        str(k["download"]), "--expect", str(k["course"]), "--summary", str(k["summary"]),
        "--gradebook", str(k["grades"]), "--assignment", "7001", "--feedback", str(k["feedback"]),
    )  # fmt: skip


def bob_reads_nasty(monkeypatch) -> None:
    """Bob's check finds a text change holding U+FFFE and control characters (as a page read
    from another WeasyPrint does), and an author with them."""
    import reportgen.verify.batch as batch

    real = batch.check

    def check(path, *args):
        entry = real(path, *args)
        if "smithbob" in path:
            entry["author"] = f"Bob\x1b]0;pwned\x07 {NASTY} 王"  # 王: no bundled font has it
            entry["text_changes"] = [{"page": 7, "before": "validerings- och", "after": NASTY}]
            entry["details"] = [*entry["details"], f"page 7 reads {NASTY}"]
        return entry

    monkeypatch.setattr(batch, "check", check)


def rows(summary: Path) -> dict[str, dict[str, str]]:
    with open(summary / "summary.csv", newline="", encoding="utf-8") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file under `folders`, and every name beside them (a leftover would show)."""
    files = {}
    for folder in folders:
        files |= {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        files |= {str(p): b"" for p in folder.parent.iterdir()}
    return files


def test_a_student_s_unsafe_text_reaches_no_writer_and_stops_nothing(klass, monkeypatch):
    from pypdf import PdfReader

    bob_reads_nasty(monkeypatch)
    code, report, console = verify(klass)
    assert code == 0  # every one reproduced, every output written
    assert "\x1b" not in console and "\ufffe" not in console
    names = sorted(p.name for p in klass["feedback"].glob("*_feedback.pdf"))
    assert names == sorted(f"{s}_feedback.pdf" for s in STUDENTS)
    bob = PdfReader(klass["feedback"] / "smithbob_LATE_102_feedback.pdf")
    text = " ".join(page.extract_text() for page in bob.pages)
    assert "validerings" in text and "testdelen" in text and "\ufffe" not in text
    assert "Tecknet \ufffd står för tecken som inte kan visas" in " ".join(text.split())
    assert "王" not in text and "王" in rows(klass["summary"])["102"]["author"]  # a browser has it
    alice = PdfReader(klass["feedback"] / "obergasa_101_feedback.pdf").pages[0].extract_text()
    assert "\ufffd" not in alice  # the note only where a character was replaced
    summary_text = "".join(
        p.read_text(encoding="utf-8")
        for p in klass["summary"].rglob("*")
        if p.is_file() and p.suffix != ".pdf"
    )
    assert REPLACEMENT in summary_text
    for bad in ("\ufffe", "\x00", "\x07", "\x1b"):
        assert bad not in summary_text
    assert all(r["not_written"] == "" for r in rows(klass["summary"]).values())
    entry = next(e for e in report["submissions"] if "smithbob" in e["path"])
    assert entry["text_changes"][0]["after"].startswith(f"validerings{REPLACEMENT}och")


def test_one_student_s_feedback_that_fails_is_their_row_and_the_class_is_written(
    klass, monkeypatch
):
    import reportgen.verify.feedback as feedback

    real = feedback._write_one

    def fails_for_bob(entry, *args):
        if "smithbob" in entry["path"]:
            raise RuntimeError("the renderer crashed on this student's text")
        return real(entry, *args)

    monkeypatch.setattr(feedback, "_write_one", fails_for_bob)
    code, report, console = verify(klass)
    assert code == 1  # every one reproduced, but an output was not written
    graded = rows(klass["summary"])
    assert graded["102"]["verdict"] == "reproduced"  # the verdict is the report's, unchanged
    assert graded["102"]["not_written"] == (
        "feedback PDF not written: RuntimeError: the renderer crashed on this student's text"
    )
    assert graded["101"]["not_written"] == graded["105"]["not_written"] == ""
    written = sorted(p.name for p in klass["feedback"].glob("*_feedback.pdf"))
    assert written == ["lee_mary_anne_105_feedback.pdf", "obergasa_101_feedback.pdf"]
    assert (klass["summary"] / "Grades-KK2.csv").is_file()
    assert "1 could not be written" in console and "feedback PDF not written" in console
    page = (klass["summary"] / "s").glob("*.html")
    assert any("feedback PDF not written" in p.read_text(encoding="utf-8") for p in page)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError], ids=["ctrl-c", "disk-full"])
def test_a_run_stopped_while_writing_leaves_the_previous_outputs_byte_for_byte(
    klass, monkeypatch, stop
):
    import reportgen.verify.summary as summary

    assert verify(klass)[0] == 0
    (klass["summary"] / "notes.txt").write_text("the teacher's own", encoding="utf-8")
    before = snapshot(klass["summary"], klass["feedback"])
    real, calls = summary.write_atomic, []

    def stops_after_the_first(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise stop(28, "No space left on device") if stop is OSError else stop()
        return real(path, data)

    monkeypatch.setattr(summary, "write_atomic", stops_after_the_first)
    bob_reads_nasty(monkeypatch)  # what the new outputs would have held
    code, _, _ = verify(klass)
    assert code == (130 if stop is KeyboardInterrupt else 2) and len(calls) == 2
    assert snapshot(klass["summary"], klass["feedback"]) == before


def test_an_output_folder_that_is_a_file_is_one_line_before_any_check(klass, capsys):
    from reportgen.cli import main

    klass["summary"].write_text("not a folder", encoding="utf-8")
    assert main(["verify", str(klass["download"]), "--summary", str(klass["summary"])]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reportgen: error: --summary") and "is a file, not a folder" in err
    assert "submission(s)" not in err  # refused before the class was checked


def test_a_student_missing_from_the_gradebook_is_named_on_their_row(canvas_run):
    graded = rows(canvas_run["summary"])
    assert graded["103"]["not_written"] == (
        "its gradebook row not written: student id 103 is not in Grades-KK2.csv: "
        "grade them by hand in the LMS"
    )
    assert graded["101"]["not_written"] == "" and graded["102"]["not_written"] == ""
    assert canvas_run["code"] == 1
