"""Canvas's gradebook as real installations export it, and Blackboard's Grade Center download,
through the real verify command: only the grade cells change, byte for byte; a grade is put on
the column's own maximum (Points Possible, [Total Pts: N]), or the run is refused in one line
before anything is verified or written where the course forbids scaling."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.config import GradingConfig
from reportgen.errors import InputError
from reportgen.lms import blackboard, canvas
from reportgen.lms.grading import plain, scaler
from reportgen.lms.sheet import read_sheet

from .conftest import run
from .downloads import FIXTURES, zip_of

OUT_OF_10 = scaler(GradingConfig(max=10, reproduced=10, within_tolerance=10, differs=5,
                                 tampered=0, error=0))  # fmt: skip


def replaced(original: bytes, *pairs: tuple[bytes, bytes]) -> bytes:
    """`original` with each (old, new) replaced; each old occurs exactly once."""
    for old, new in pairs:
        assert original.count(old) == 1, old
        original = original.replace(old, new)
    return original


def _sheet(tmp_path: Path, data: bytes, name: str = "Grades.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_sheet(path)


@pytest.fixture(scope="module")
def canvas_zip(asa, tmp_path_factory) -> Path:
    """Åsa's report handed in by Åsa (reproduced: 10) and by Bob (another's name: 7.5), and
    Karin's .docx (an error: 0)."""
    pdf, _ = asa
    return zip_of(tmp_path_factory.mktemp("canvas-real") / "submissions.zip", {
        "obergasa_101_9001_Rapport.pdf": pdf,
        "smithbob_102_9003_report.pdf": pdf,
        "lindkarin_104_9004_Rapport.docx": b"PK\x03\x04 not a report",
    })  # fmt: skip


def _round_trip(tmp_path, canvas_zip, course, fixture: str, assignment: str):
    gradebook = tmp_path / fixture
    gradebook.write_bytes((FIXTURES / fixture).read_bytes())
    summary = tmp_path / "klass"
    code, _, console = run(
        str(canvas_zip), "--expect", str(course), "--summary", str(summary),
        "--gradebook", str(gradebook), "--assignment", assignment,
    )  # fmt: skip
    return console, gradebook.read_bytes(), (summary / fixture).read_bytes()


def test_a_real_canvas_export_gets_grades_on_its_points_possible(asa, canvas_zip, tmp_path):
    console, original, written = _round_trip(
        tmp_path, canvas_zip, asa[1], "canvas-real.csv", "Kunskapskontroll 2"
    )
    expected = replaced(
        original,
        (b"asaob,KK2 A,,,4.50", b"asaob,KK2 A,,100,4.50"),  # 10 of 10, out of 100.00
        (b'"sent, men ok",55.00,', b'"sent, men ok",75,'),  # 7.5 of 10
    )
    assert written == expected  # Manual Posting, Points Possible, totals, Eve's ="..." as they were
    assert not written.startswith(b"\xef\xbb\xbf") and not written.endswith(b"\r\n")
    assert "2 grade(s) in 'Kunskapskontroll 2 (7001)'" in console
    assert "not in the gradebook (not graded): student id(s) 104" in console


def test_a_swedish_semicolon_export_keeps_its_decimal_commas(asa, canvas_zip, tmp_path):
    console, original, written = _round_trip(
        tmp_path, canvas_zip, asa[1], "canvas-sv-semicolon.csv", "7001"
    )
    expected = replaced(
        original,
        (b"asaob;KK2;;4,50", b"asaob;KK2;25;4,50"),  # LastName;FirstName: ID is the third column
        (b"bobsm;KK2;7,50;", b"bobsm;KK2;18,75;"),  # 7.5 of 10 on 25,00
        (b"karli;KK2;12,25;", b"karli;KK2;0;"),
    )
    assert written == expected and written.startswith(b"\xef\xbb\xbf")
    assert "3 grade(s) in 'Rapport (7001)'" in console


def test_a_file_without_assignment_ids_by_a_columns_exact_title(asa, canvas_zip, tmp_path):
    console, original, written = _round_trip(
        tmp_path, canvas_zip, asa[1], "canvas-no-ids.csv", "Aufgabe 1"
    )
    expected = replaced(
        original, (b"101,KK2,,,", b"101,KK2,10,,"), (b"102,KK2,8,", b"102,KK2,7.5,")
    )  # no Points Possible row: the course's own points
    assert written == expected
    assert "2 grade(s) in 'Aufgabe 1'" in console


def test_blackboard_grade_center_round_trip(blackboard_run):
    original = blackboard_run["gradebook"].read_bytes()
    written = (blackboard_run["summary"] / blackboard_run["gradebook"].name).read_bytes()
    expected = replaced(
        original,
        (b'"Yes","","16.00","","16.00"', b'"Yes","","16.00","25.00","16.00"'),  # 10 of 10 on 25
        (b'"20.00","12.00","8.00"', b'"20.00","25.00","8.00"'),  # Bob's later attempt
        (b'"Yes","","","",""\n"Nobody', b'"Yes","","","0.00",""\n"Nobody'),  # Carl's .docx
    )
    assert written == expected and written.startswith(b"\xef\xbb\xbf")
    console = blackboard_run["console"]
    assert "3 grade(s) in 'Kunskapskontroll 2 [Total Pts: 25 Score] |1338929'" in console
    assert "not in the gradebook (not graded): student id(s) danid" in console
    data = json.loads((blackboard_run["summary"] / "summary.json").read_text("utf-8"))
    graded = {e["student_id"]: e["grade"] for e in data["submissions"] if e["latest"]}
    assert graded == {"asaob": 10, "bobsm": 10, "carlc": 0, "danid": 10}  # the course's scale


def _refused(asa, tmp_path, capsys, data: bytes, assignment: str, rescale: bool) -> str:
    """verify with the gradebook `data`: its one line; nothing verified (the download does not
    exist) nor written."""
    course = tmp_path / "course.toml"
    course.write_text(asa[1].read_text("utf-8") + f"rescale = {str(rescale).lower()}\n", "utf-8")
    gradebook = tmp_path / "Grades.csv"
    gradebook.write_bytes(data)
    argv = ["verify", str(tmp_path / "absent.zip"), "--expect", str(course),
            "--summary", str(tmp_path / "klass"),
            "--gradebook", str(gradebook), "--assignment", assignment]  # fmt: skip
    assert main(argv) == 2
    assert not (tmp_path / "klass").exists() and gradebook.read_bytes() == data
    err = capsys.readouterr().err.strip().splitlines()
    return err[-1]


@pytest.mark.parametrize(
    ("fixture", "assignment", "column", "maximum"),
    [
        ("canvas-real.csv", "7001", "Kunskapskontroll 2 (7001)", "100"),
        ("canvas-sv-semicolon.csv", "Rapport", "Rapport (7001)", "25"),
        ("blackboard-grade-center.csv", "1338929", "Kunskapskontroll 2", "25"),
    ],
)
def test_refused_whole_when_the_course_forbids_scaling(
    asa, tmp_path, capsys, fixture, assignment, column, maximum
):
    line = _refused(asa, tmp_path, capsys, (FIXTURES / fixture).read_bytes(), assignment, False)
    assert line == (
        f"reportgen: error: the gradebook's '{column}' is out of {maximum}, the course's "
        f"[grading] max is 10: set max = {maximum}, or rescale = true to scale the grades"
    )


def test_points_possible_zero_is_refused_in_one_line(asa, tmp_path, capsys):
    data = replaced((FIXTURES / "canvas-sv-semicolon.csv").read_bytes(), (b";25,00;", b";0,0;"))
    line = _refused(asa, tmp_path, capsys, data, "7001", True)
    assert line.startswith("reportgen: error: the gradebook's maximum for 'Rapport (7001)' is 0:")


def test_canvas_totals_overrides_and_read_only_columns_are_never_the_assignment(tmp_path):
    sheet = read_sheet(FIXTURES / "canvas-real.csv")
    assert list(canvas.layout(sheet).choices.values()) == [
        "Kunskapskontroll 2 (7001)",
        "Quiz 1 (7002)",
    ]
    for wanted in ("Current Score", "Override Score", "Inlämningar Final Points", "Anteckningar"):
        with pytest.raises(InputError) as caught:
            canvas.write(sheet, {}, wanted, plain, OUT_OF_10)
        assert "(its assignments: Kunskapskontroll 2 (7001); Quiz 1 (7002))" in str(caught.value)
    # a column the Points Possible row marks read-only, in the interface's language
    data = replaced(
        (FIXTURES / "canvas-real.csv").read_bytes(),
        (b",Anteckningar,", b",Bonus (7003),"),
        (b"Points Possible,,,,,", "Points Possible,,,,(läs endast),".encode()),
    )
    assert "Bonus (7003)" not in canvas.layout(_sheet(tmp_path, data)).choices.values()


def test_no_ids_the_message_says_what_an_export_looks_like(tmp_path):
    sheet = read_sheet(FIXTURES / "canvas-no-ids.csv")
    for wanted in (None, "7001", "aufgabe"):
        with pytest.raises(InputError) as caught:
            canvas.write(sheet, {}, wanted, plain, OUT_OF_10)
        said = str(caught.value)
        assert "names each assignment 'Title (12345)' after Student, ID and Section" in said
        assert "its columns that could be assignments: Aufgabe 1; Bemerkung:" in said
        assert "Final Score" not in said and "\n" not in said


def test_a_comma_file_with_decimal_commas_keeps_them_quoted(tmp_path):
    """A locale with decimal commas but comma delimiters: `"55,00"`; the grade as its cells."""
    data = re.sub(rb"(\d+)\.(\d\d)", rb'"\1,\2"', (FIXTURES / "canvas-real.csv").read_bytes())
    out = canvas.write(_sheet(tmp_path, data), {"101": (10.0, ""), "102": (7.25, "")}, "7001",
                       plain, OUT_OF_10)  # fmt: skip
    assert out.text.encode() == replaced(
        data,
        (b'asaob,KK2 A,,,"4,50"', b'asaob,KK2 A,,100,"4,50"'),
        (b'"sent, men ok","55,00",', b'"sent, men ok","72,5",'),
    )


def test_blackboard_columns_by_id_name_or_header_never_a_total(tmp_path):
    sheet = read_sheet(FIXTURES / "blackboard-grade-center.csv")
    for wanted in ("1340363", "quiz 1", "Quiz 1 [Total Pts: 20 Score] |1340363"):
        out = blackboard.write(sheet, {"bobsm": (5.0, "")}, wanted, OUT_OF_10)
        assert '"20.00","12.00","10.00"' in out.text  # 5 of 10 on 20 points
    for wanted in ("Total", "1260434", "Weighted Total", None):
        with pytest.raises(InputError) as caught:
            blackboard.write(sheet, {}, wanted, OUT_OF_10)
        assert "(its items: Kunskapskontroll 2 |1338929; Quiz 1 |1340363)" in str(caught.value)
    no_username = replaced(
        (FIXTURES / "blackboard-grade-center.csv").read_bytes(), (b'"Username"', b'"User"')
    )
    with pytest.raises(InputError, match="no Username column: is it Blackboard's Grade Center"):
        blackboard.write(_sheet(tmp_path, no_username), {}, None, OUT_OF_10)


def test_never_a_grade_above_the_columns_maximum(tmp_path):
    data = replaced((FIXTURES / "blackboard-grade-center.csv").read_bytes(),
                    (b"[Total Pts: 25 Score]", b"[Total Pts: 7 Score]"))  # fmt: skip
    sheet = _sheet(tmp_path, data)
    given = [n / 8 for n in range(81)]  # 0, 0.125, ..., 10: every grade the course can give
    written = []
    for points in given:
        out = blackboard.write(sheet, {"asaob": (points, "")}, "1338929", OUT_OF_10)
        cell = out.text.split("\n")[1].split(",")[8]
        assert re.fullmatch(r'"\d+\.\d\d"', cell), cell
        written.append(float(cell.strip('"')))
    assert written == sorted(written) and written[0] == 0 and max(written) == 7.0
    assert all(abs(w - p * 0.7) < 0.00501 for w, p in zip(written, given, strict=True))
    assert written[given.index(0.25)] == 0.18  # 0.175: half up


def test_blackboard_tab_delimited_xls_download_in_utf16(tmp_path):
    """Work Offline's tab-delimited download (`.xls`: UTF-16 text with a BOM) is written back
    in its encoding, tabs and quotes."""
    text = (FIXTURES / "blackboard-grade-center.csv").read_bytes().decode("utf-8")
    text = text.replace('","', '"\t"')
    sheet = _sheet(tmp_path, text.encode("utf-16-le"), "gc_KK2_fullgc.xls")
    out = blackboard.write(sheet, {"bobsm": (7.5, "")}, "Kunskapskontroll 2", OUT_OF_10)
    expected = text.replace('"20.00"\t"12.00"', '"20.00"\t"18.75"')
    assert expected != text and sheet.encoded(out.text) == expected.encode("utf-16-le")


def test_an_excused_student_keeps_ex_and_is_named(tmp_path):
    """Canvas writes an excused grade `EX`; a number there would lift the excuse on import: the
    cell is kept, the student named, the others graded."""
    excused = (b'"sent, men ok",55.00,', b'"sent, men ok",EX,')
    data = replaced((FIXTURES / "canvas-real.csv").read_bytes(), excused)
    out = canvas.write(_sheet(tmp_path, data), {"101": (10.0, ""), "102": (7.25, "")}, "7001",
                       plain, OUT_OF_10)  # fmt: skip
    assert out.graded == ["101"]
    assert out.failed == {
        "102": "excused in the gradebook (EX), kept: lift the excuse in Canvas to grade it"
    }
    assert out.text.encode() == replaced(data, (b"asaob,KK2 A,,,4.50", b"asaob,KK2 A,,100,4.50"))
