"""verify on LMS downloads: every file's student, id, late flag, attempt and identity in
summary.json; what is no submission skipped and counted; a .docx an error under its student
with its reason in the class table."""

from __future__ import annotations

import csv
import io
import json

from reportgen.cli import main

from .conftest import run
from .downloads import zip_of

KEYS = ("lms", "student_id", "student_name", "late", "attempt", "latest", "identity")


def _rows(summary) -> dict[str, tuple]:
    data = json.loads((summary / "summary.json").read_text("utf-8"))
    return {e["path"]: tuple(e[k] for k in KEYS) for e in data["submissions"]}


def test_a_canvas_download_file_by_file(canvas_run):
    rows = _rows(canvas_run["summary"])
    z = "submissions.zip/"
    assert rows == {
        z + "LATE_anon_q9w8e_9005_r.pdf": ("canvas", "q9w8e", None, True, 1, True, "unknown"),
        z + "andersanna_106_9008_Rapport.docx": ("canvas", "106", "andersanna", False, 1, True,
                                                 "unknown"),
        z + "anon_x7k2p_9004_Rapport.pdf": ("canvas", "x7k2p", None, False, 1, True, "unknown"),
        z + "lee_mary_anne_105_9007_x.pdf": ("canvas", "105", "lee_mary_anne", False, 1, True,
                                             "mismatch"),
        z + "obergasa_101_9001_Rapport.pdf": ("canvas", "101", "obergasa", False, 1, False,
                                              "match"),
        z + "obergasa_101_9002_Rapport-1.pdf": ("canvas", "101", "obergasa", False, 2, True,
                                                "match"),
        z + "smithbob_LATE_102_9003_report.pdf": ("canvas", "102", "smithbob", True, 1, True,
                                                  "mismatch"),
        z + "öbergåsa_103_9006_R.pdf": ("canvas", "103", "öbergåsa", False, 1, True, "match"),
    }  # fmt: skip
    report = canvas_run["report"]
    assert report["skipped"] == {
        "online text": 1,
        "system files (__MACOSX, .DS_Store, Thumbs.db)": 2,
    }
    assert "skipped 3 entries: 1 online text, 2 system files" in canvas_run["console"]
    assert canvas_run["code"] == 1  # one error among the reproduced


def test_a_docx_is_an_error_with_its_reason_in_every_summary_file(canvas_run):
    summary = canvas_run["summary"]
    docx = "submissions.zip/andersanna_106_9008_Rapport.docx"
    data = json.loads((summary / "summary.json").read_text("utf-8"))
    entry = next(e for e in data["submissions"] if e["path"] == docx)
    assert entry["verdict"] == "error"
    assert (
        entry["reason"]
        == "handed in a .docx file, not a report PDF: ask for the PDF reportgen built"
    )
    with open(summary / "summary.csv", newline="", encoding="utf-8") as fh:
        by_file = {r["file"]: r for r in csv.DictReader(fh)}
    assert by_file[docx]["reason"] == entry["reason"] and by_file[docx]["verdict"] == "error"
    assert by_file[docx]["student"] == "andersanna" and by_file[docx]["student_id"] == "106"
    assert all(r["reason"] == "" for f, r in by_file.items() if f != docx)
    index = (summary / "index.html").read_text("utf-8")
    # the course's language: the error a class meets most in Swedish (verify.reasons)
    assert (
        "lämnade in en .docx-fil, ingen rapport-PDF: be om den PDF som reportgen byggde</td>"
        in index
    )
    assert "<td class='differs'>ANNAT NAMN</td>" in index  # in the course's language, Swedish
    assert "title='Åsa Öberg: anon_x7k2p_9004_Rapport.pdf'" in index  # anonymous: the author


def test_an_error_in_a_plain_folder_shows_its_reason_too(asa, tmp_path):
    folder = tmp_path / "klass"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(asa[0])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n")
    code, report, _ = run(str(folder), "--summary", str(tmp_path / "s"))
    broken = next(e for e in report["submissions"] if e["path"].endswith("broken.pdf"))
    assert broken["reason"] and broken["reason"] == broken["details"][-1]
    assert (broken["lms"], broken["identity"], broken["latest"]) == (None, "unknown", True)
    table = (tmp_path / "s" / "summary.csv").read_text("utf-8")
    row = next(r for r in csv.DictReader(io.StringIO(table)) if r["file"].endswith("broken.pdf"))
    assert row["reason"] == broken["reason"] and "student" not in row  # no LMS: no student columns


def test_moodle_downloads_file_by_file(moodle_run):
    rows = _rows(moodle_run["summary"])
    assert rows == {
        "KK2-new.zip/Bob Smith_502_assignsubmission_file/rapport.pdf":
            ("moodle", "502", "Bob Smith", False, None, True, "mismatch"),
        "KK2-new.zip/Grupp 1_504_assignsubmission_file/r.pdf":
            ("moodle", "504", "Grupp 1", None, None, True, "mismatch"),
        "KK2-new.zip/Participant_503_assignsubmission_file/r.pdf":
            ("moodle", "503", None, None, None, True, "unknown"),
        "KK2-new.zip/Åsa Öberg_501_assignsubmission_file/Rapport.pdf":
            ("moodle", "501", "Åsa Öberg", False, None, True, "match"),
        f"{moodle_run['summary'].parent}/KK2-old/Öberg, Åsa_601_assignsubmission_file_/Rapport.pdf":
            ("moodle", "601", "Öberg, Åsa", None, None, True, "match"),
        "KK2-flat.zip/Åsa Öberg_701_assignsubmission_file_R.pdf":
            ("moodle", "701", "Åsa Öberg", None, None, True, "match"),
    }  # fmt: skip
    # late: False for 501 and 502, as the worksheet's status says; None for those it lacks
    assert moodle_run["report"]["skipped"] == {"online text": 1}


def test_blackboard_two_attempts_the_latest_marked(asa, tmp_path):
    pdf = asa[0]
    download = zip_of(tmp_path / "bb.zip", {
        "KK2_asaob_attempt_2026-01-15-10-30-00_Rapport.pdf": pdf,
        "KK2_asaob_attempt_2026-01-15-10-30-00.txt": b"Name: Asa Oberg",
        "KK2_asaob_attempt_2026-01-16-09-00-00_Rapport.pdf": pdf,
        "KK2_bobsm_attempt_2026-01-14-08-00-00_Rapport.pdf": pdf,
    })  # fmt: skip
    code, report, _ = run(str(download))
    got = {e["path"]: tuple(e[k] for k in KEYS) for e in report["submissions"]}
    assert got == {
        "bb.zip/KK2_asaob_attempt_2026-01-15-10-30-00_Rapport.pdf":
            ("blackboard", "asaob", None, None, "2026-01-15T10:30:00", False, "unknown"),
        "bb.zip/KK2_asaob_attempt_2026-01-16-09-00-00_Rapport.pdf":
            ("blackboard", "asaob", None, None, "2026-01-16T09:00:00", True, "unknown"),
        "bb.zip/KK2_bobsm_attempt_2026-01-14-08-00-00_Rapport.pdf":
            ("blackboard", "bobsm", None, None, "2026-01-14T08:00:00", True, "unknown"),
    }  # fmt: skip
    assert code == 0 and report["skipped"] == {"Blackboard receipts": 1}


def test_a_download_of_nothing_but_skipped_entries_is_one_line(tmp_path, capsys):
    download = zip_of(tmp_path / "empty.zip", {"__MACOSX/._a": b"x", "Thumbs.db": b"x"})
    assert main(["verify", str(download)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "reportgen: error: no report PDFs found in what was given: give PDFs or folders, "
        "or an LMS download"
    )


def test_canvas_gradebook_round_trip(canvas_run):
    original = canvas_run["gradebook"].read_bytes()
    assert original.startswith(b"\xef\xbb\xbf") and b"\r\n" in original
    written = (canvas_run["summary"] / "Grades-KK2.csv").read_bytes()
    expected = (
        original.replace(b"asaob,KK2,,4.50", b"asaob,KK2,10,4.50")  # her latest: reproduced
        .replace(b"bobsm,KK2,3,5.00", b"bobsm,KK2,7.5,5.00")  # Åsa's report: mismatch, -2.5
        .replace(b"maryl,KK2,,2.00", b"maryl,KK2,7.5,2.00")
        .replace(b"annaa,KK2,,,0.00", b"annaa,KK2,0,,0.00")  # a .docx: error
    )
    assert written == expected  # every other byte as downloaded; Noah (no submission) too
    console = canvas_run["console"]
    assert "4 grade(s) in 'Rapport (7001)'" in console
    assert "not in the gradebook (not graded): student id(s) 103, q9w8e, x7k2p" in console
    data = json.loads((canvas_run["summary"] / "summary.json").read_text("utf-8"))
    bob = next(e for e in data["submissions"] if e["student_id"] == "102")
    assert (bob["grade"], bob["grade_rule"]) == (
        7.5, "reproduced: 10; 1 another student's name x -2.5 -> 7.5 of 10"
    )  # fmt: skip


def test_moodle_worksheet_round_trip(moodle_run):
    original = moodle_run["gradebook"].read_bytes()
    written = (moodle_run["summary"] / "Grades-KK2.csv").read_bytes()
    cells = list(csv.reader(io.StringIO(written.decode())))
    before = list(csv.reader(io.StringIO(original.decode())))
    assert len(cells) == len(before) and cells[0] == before[0]
    assert cells[3:] == before[3:]  # Cai Chen: no submission, untouched
    assert written.split(b"\n")[-2:] == original.split(b"\n")[-2:]
    assert [c[4] for c in cells[1:3]] == ["100", "75"]  # out of 10, on the sheet's 100.00
    assert cells[1][9] == "Friday, 16 January 2026, 10:00 AM"  # import needs the grade's time
    assert cells[2][9] == before[2][9]  # a time already there stays
    assert cells[1][10] == (
        "reportgen verify: reproduced. Grade: reproduced: 10 -> 10 of 10 "
        "(on the worksheet: 100 of 100)"
    )
    assert cells[2][10].startswith(
        "old note\nreportgen verify: reproduced. Grade: reproduced: 10; 1 another"
    )  # the instructor's comment stays, reportgen's line after it
    for row, old in zip(cells[1:3], before[1:3], strict=True):
        assert [c for i, c in enumerate(row) if i not in (4, 9, 10)] == [
            c for i, c in enumerate(old) if i not in (4, 9, 10)
        ]


def test_feedback_pdfs_and_the_lms_upload_zips(canvas_run, moodle_run):
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(canvas_run["feedback"] / "feedback-canvas.zip") as archive:
        canvas_names = sorted(archive.namelist())
    assert canvas_names == [
        "LATE_anon_q9w8e_feedback.pdf",
        "andersanna_106_feedback.pdf",
        "anon_x7k2p_feedback.pdf",
        "lee_mary_anne_105_feedback.pdf",
        "obergasa_101_feedback.pdf",
        "smithbob_LATE_102_feedback.pdf",
        "öbergåsa_103_feedback.pdf",
    ]  # fmt: skip  (Canvas finds the student by /_\d+_/; anonymous ones by their anon id)
    with zipfile.ZipFile(moodle_run["feedback"] / "feedback-moodle.zip") as archive:
        moodle_names = sorted(archive.namelist())
    assert moodle_names == sorted([
        "Bob Smith_502_assignsubmission_file/feedback.pdf",
        "Grupp 1_504_assignsubmission_file/feedback.pdf",
        "Participant_503_assignsubmission_file/feedback.pdf",
        "Åsa Öberg_501_assignsubmission_file/feedback.pdf",
        "Öberg, Åsa_601_assignsubmission_file_/feedback.pdf",
        "Åsa Öberg_701_assignsubmission_file/feedback.pdf",
    ])  # fmt: skip
    for name in moodle_names:  # Moodle's importer: the participant id is the folder's field 1
        assert name.split("/")[0].split("_")[1].isdigit()
    pdf = PdfReader(canvas_run["feedback"] / "smithbob_LATE_102_feedback.pdf")
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"] and pdf.trailer["/Root"]["/Lang"] == "sv"
    assert "Återkoppling på din rapport" in text and "reproducerad" in text  # the report's language
    assert "7,5 av 10" in text and "en annan students namn" in text
    docx = PdfReader(canvas_run["feedback"] / "andersanna_106_feedback.pdf")
    assert "ingen läsbar rapport" in docx.pages[0].extract_text()


def test_gradebook_without_grading_is_one_line_with_an_example(asa, tmp_path, capsys):
    from .downloads import canvas_gradebook

    (tmp_path / "g.csv").write_bytes(canvas_gradebook())
    course = tmp_path / "course.toml"
    course.write_text('[data]\ndataset = "sample"\n', encoding="utf-8")
    argv = ["verify", "x.zip", "--expect", str(course), "--summary", str(tmp_path / "s"),
            "--gradebook", str(tmp_path / "g.csv")]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"reportgen: error: {course} has no [grading] table: add one like")
    assert "[grading] max = 10, reproduced = 10," in err
    assert not (tmp_path / "s").exists()


def test_an_unreadable_entry_is_named_as_the_download_names_it(asa, tmp_path):
    """Its reason names `download.zip/entry`, never the temporary folder it was unpacked to."""
    pdf, _ = asa
    download = zip_of(
        tmp_path / "dl.zip",
        {"obergasa_101_9001_Rapport.pdf": pdf, "brokenbo_102_9002_Rapport.pdf": b"%PDF-1.7\n"},
    )
    _, report, _ = run(str(download))
    broken = next(e for e in report["submissions"] if "brokenbo" in e["path"])
    assert broken["verdict"] == "error" and broken["path"] == "dl.zip/brokenbo_102_9002_Rapport.pdf"
    said = json.dumps(broken, ensure_ascii=False)
    assert "reportgen-download" not in said and "dl.zip/brokenbo_102_9002_Rapport.pdf" in said
