"""Grades into the gradebook the LMS exported: every byte but the grade cells (and Moodle's
feedback comments and empty grade times) stays: BOM, line endings, delimiter, quoting, other
assignments, students without a submission. No report is built here: grades are given."""

from __future__ import annotations

import pytest

from reportgen.config import GradingConfig
from reportgen.errors import InputError
from reportgen.lms import canvas, gradebook, moodle
from reportgen.lms.grading import grade, plain, scaler
from reportgen.lms.sheet import read_sheet

from .downloads import (
    MOODLE_HEADER_EN,
    MOODLE_HEADER_SV,
    canvas_gradebook,
    moodle_worksheet,
)

OUT_OF_10 = scaler(GradingConfig(max=10, reproduced=10, within_tolerance=10, differs=5,
                                 tampered=0, error=0))  # fmt: skip


def _same(column_max, column):
    """A course out of the column's own maximum: grades as they are."""
    return lambda points: points


GRADES = {"101": (10.0, "r"), "102": (7.5, "r"), "106": (0.0, "r"), "999": (5.0, "r")}


def _written(tmp_path, data: bytes, **kwargs) -> tuple[bytes, gradebook.Written]:
    path = tmp_path / "Grades.csv"
    path.write_bytes(data)
    wanted = kwargs.get("assignment", "7001")
    out = canvas.write(read_sheet(path), GRADES, wanted, plain, OUT_OF_10)
    return out.text.encode("utf-8"), out


@pytest.mark.parametrize(("newline", "bom"), [("\r\n", True), ("\n", False), ("\r\n", False)])
def test_canvas_only_the_grade_cells_change(tmp_path, newline, bom):
    original = canvas_gradebook(newline, bom)
    written, out = _written(tmp_path, original)
    expected = (
        original.replace(b"asaob,KK2,,4.50", b"asaob,KK2,10,4.50")
        .replace(b"bobsm,KK2,3,5.00", b"bobsm,KK2,7.5,5.00")
        .replace(b"annaa,KK2,,,0.00", b"annaa,KK2,0,,0.00")
    )
    assert expected != original and written == expected  # byte for byte
    assert written.startswith(b"\xef\xbb\xbf") == bom
    assert written.count(newline.encode()) == original.count(newline.encode())
    assert (out.graded, out.missing, out.column) == (
        ["101", "102", "106"],
        ["999"],
        "Rapport (7001)",
    )


def test_canvas_semicolon_file_keeps_its_decimal_comma(tmp_path):
    original = canvas_gradebook("\r\n", True, delimiter=";")
    assert b'"\xc3\x96berg, \xc3\x85sa";101;' in original and b"4,50" in original
    written, _ = _written(tmp_path, original)
    expected = (
        original.replace(b"asaob;KK2;;4,50", b"asaob;KK2;10;4,50")
        .replace(b"bobsm;KK2;3;5,00", b"bobsm;KK2;7,5;5,00")
        .replace(b"annaa;KK2;;;0,00", b"annaa;KK2;0;;0,00")
    )
    assert expected != original and written == expected


def test_canvas_assignment_chosen_by_title_or_id_else_one_line(tmp_path):
    original = canvas_gradebook()
    assert _written(tmp_path, original, assignment="rapport")[0] == _written(tmp_path, original)[0]
    quiz, _ = _written(tmp_path, original, assignment="Quiz 1")
    assert b"asaob,KK2,,5,90.00" in quiz  # 10 of 10 on Quiz 1, out of 5.00
    for wanted in (None, "Lab 3"):
        with pytest.raises(InputError) as caught:
            _written(tmp_path, original, assignment=wanted)
        assert "Rapport (7001); Quiz 1 (7002)" in str(caught.value)
        assert "--assignment NAME|ID" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("header", "word"), [(MOODLE_HEADER_EN, "Participant"), (MOODLE_HEADER_SV, "Deltagare")]
)
def test_moodle_worksheet_in_any_interface_language(tmp_path, header, word):
    path = tmp_path / "worksheet.csv"
    original = moodle_worksheet(header, "\r\n", word)
    path.write_bytes(original)
    out = moodle.write(
        read_sheet(path), {"501": (100.0, ""), "502": (75.0, ""), "777": (1.0, "")},
        "Friday, 16 January 2026, 10:00 AM", plain, lambda pid: f"verdict of {pid}", _same,
    )  # fmt: skip
    lines, before = out.text.encode().split(b"\r\n"), original.split(b"\r\n")
    assert len(lines) == len(before) and lines[0] == before[0] and lines[3:] == before[3:]
    assert lines[1] == before[1].replace(
        b'"Submitted for grading",,100.00', b'"Submitted for grading",100,100.00'
    ).replace(b'10:30 AM",,-,', b'10:30 AM",,"Friday, 16 January 2026, 10:00 AM",verdict of 501')
    # a grade time already given stays; the instructor's comment too, reportgen's line after it
    assert lines[2] == before[2].replace(b",55.00,", b",75,").replace(
        b'"old note"', b'"old note\nverdict of 502"'
    )
    assert out.missing == ["777"]


def test_a_sheet_that_is_no_gradebook_is_one_line(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(InputError, match="not Moodle's grading worksheet"):
        moodle.write(read_sheet(path), {}, "", plain, str, _same)
    with pytest.raises(InputError, match="has no ID column"):
        canvas.write(read_sheet(path), {}, None, plain, OUT_OF_10)
    path.write_bytes(b"PK\x03\x04\x14\x00")
    with pytest.raises(InputError, match=r"an Excel workbook \(.xlsx\), not CSV: save it as CSV"):
        read_sheet(path)


def test_a_grade_and_its_rule(tmp_path):
    from reportgen.config import load_grading

    course = tmp_path / "course.toml"
    course.write_text(
        "[grading]\nmax = 10\nreproduced = 10\nwithin_tolerance = 9\ndiffers = 5\n"
        "tampered = 0\nerror = 0\ndeparts = -1.5\nmismatch = -10\n",
        encoding="utf-8",
    )
    grading = load_grading(course)
    entry = {"verdict": "differs", "departs": ["data.seed: 42 -> 7"], "identity": "match"}
    assert grade(entry, grading) == (
        3.5, "differs: 5; 1 departure(s) from the course x -1.5 -> 3.5 of 10"
    )  # fmt: skip
    entry = {"verdict": "reproduced", "identity": "mismatch"}
    assert grade(entry, grading)[0] == 0.0  # never below zero
    assert plain(7.5, ",") == "7,5" and plain(10.0) == "10"
