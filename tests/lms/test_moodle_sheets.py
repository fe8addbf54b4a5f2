"""Moodle's grading worksheet as real installations write it (tests/lms/fixtures/moodle-*.csv,
written from the facts of LMS.md): headers in German, Swedish, English (and French, Spanish, an
unknown language), the worksheet's own maximum grade (scaled, or refused before anything is
written), the instructor's earlier comments kept, `late` read from the status. The writer is
tested directly here (fast); the round trips through `verify` are at the end."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from reportgen.config import load_grading
from reportgen.errors import InputError
from reportgen.lms import moodle
from reportgen.lms.grading import plain, scaler
from reportgen.lms.sheet import Sheet, read_sheet

from .conftest import GRADING, run
from .downloads import moodle_download, zip_of

FIXTURES = Path(__file__).parent / "fixtures"
STAMP = "Friday, 16 January 2026, 10:00 AM"


def _grading(tmp_path: Path, rescale: bool = True):
    course = tmp_path / "course.toml"
    course.write_text(GRADING + f"rescale = {str(rescale).lower()}\n", encoding="utf-8")
    return load_grading(course)


def _sheet(tmp_path: Path, data: bytes, name: str = "Grades.csv") -> Sheet:
    path = tmp_path / name
    path.write_bytes(data)
    return read_sheet(path)


def _write(sheet: Sheet, grading, grades: dict[str, float]) -> moodle.Written:
    return moodle.write(
        sheet, {pid: (points, "") for pid, points in grades.items()}, STAMP, plain,
        lambda pid: f"reportgen verify: reproduced. Grade: {pid} {grades[pid]}", scaler(grading),
    )  # fmt: skip


def _outside(sheet: Sheet, cells: set[tuple[int, int]]) -> str:
    """The sheet's text with the raw text of `cells` left out: every other byte."""
    spans = sorted(sheet.rows[r][c] for r, c in cells)
    out, at = [], 0
    for start, end in spans:
        out += [sheet.text[at:start], "\0"]
        at = end
    return "".join(out) + sheet.text[at:]


def _changed(before: Sheet, after: Sheet) -> dict[tuple[int, int], tuple[str, str]]:
    """(row, col) -> (value before, value after) of every cell that changed; the rest of the
    text (BOM, delimiters, quoting of unchanged cells, line endings) asserted the same."""
    assert len(before.rows) == len(after.rows)
    assert [len(r) for r in before.rows] == [len(r) for r in after.rows]
    cells = {
        (r, c)
        for r in range(len(before.rows))
        for c in range(len(before.rows[r]))
        if before.raw(r, c) != after.raw(r, c)
    }
    assert _outside(before, cells) == _outside(after, cells)  # byte for byte elsewhere
    return {(r, c): (before.value(r, c), after.value(r, c)) for r, c in sorted(cells)}


# ---- the fixtures: headers by meaning, bytes kept -------------------------------------------


def test_a_german_moodle_2_worksheet_scaled_to_its_maximum_of_100(tmp_path):
    data = (FIXTURES / "moodle-de.csv").read_bytes()
    assert data.startswith(b"ID,") and b"Teilnehmer/in2324116" in data and b'"100,00"' in data
    before = _sheet(tmp_path, data)
    assert moodle.is_worksheet(before)  # not Canvas's, though its first header is `ID`
    out = _write(before, _grading(tmp_path), {"501": 10.0, "502": 7.25, "777": 1.0})
    after = _sheet(tmp_path, out.text.encode("utf-8"), "written.csv")
    changed = _changed(before, after)
    assert changed == {
        (1, 5): ("", "100"),
        (1, 8): ("-", STAMP),  # the import needs the grade's time: an empty one gets it
        (1, 9): (
            "",
            "reportgen verify: reproduced. Grade: 501 10.0 (on the worksheet: 100 of 100)",
        ),
        (2, 5): ("55,00", "72,5"),  # 7.25 of 10 is 72.5 of 100, in the file's decimal comma
        (2, 9): (
            "<p>Gut gemacht, aber die Tabelle fehlt.</p>",
            "<p>Gut gemacht, aber die Tabelle fehlt.</p>\n"
            "reportgen verify: reproduced. Grade: 502 7.25 (on the worksheet: 72.5 of 100)",
        ),
    }  # the status with its newlines, the German date, `-` and the other rows as they were
    assert (out.graded, out.missing, out.column) == (["501", "502"], ["777"], "Bewertung")


def test_a_swedish_worksheet_with_a_bom_out_of_the_courses_maximum(tmp_path):
    data = (FIXTURES / "moodle-sv.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfIdentifierare,") and b'"Deltagare 501"' in data
    before = _sheet(tmp_path, data)
    out = _write(before, _grading(tmp_path, rescale=False), {"501": 10.0, "502": 7.5})
    assert out.text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    changed = _changed(before, _sheet(tmp_path, out.text.encode("utf-8"), "written.csv"))
    assert changed == {
        (1, 4): ("", "10"),
        (1, 8): ("-", STAMP),
        (1, 9): ("", "reportgen verify: reproduced. Grade: 501 10.0"),
        (2, 4): ("", "7,5"),  # out of 10 as the course is: not scaled, and allowed unscaled
        (2, 8): ("-", STAMP),
        (2, 9): ("", "reportgen verify: reproduced. Grade: 502 7.5"),
    }  # `Återkopplingskommentarer`, a word not in the table: the column after the grade's date


def test_an_english_worksheet_out_of_100_with_an_earlier_comment(tmp_path):
    before = _sheet(tmp_path, (FIXTURES / "moodle-en-100.csv").read_bytes())
    out = _write(before, _grading(tmp_path), {"502": 2.5, "503": 10.0})
    changed = _changed(before, _sheet(tmp_path, out.text.encode("utf-8"), "written.csv"))
    assert changed[(2, 5)] == ("40.00", "25") and changed[(3, 5)] == ("", "100")
    assert changed[(2, 10)][1] == (
        "<p>The table of errors is missing; see me.</p>\n"
        "reportgen verify: reproduced. Grade: 502 2.5 (on the worksheet: 25 of 100)"
    )
    assert (2, 9) not in changed and changed[(3, 9)] == ("-", STAMP)  # a date given stays
    assert set(changed) == {(2, 5), (2, 10), (3, 5), (3, 9), (3, 10)}  # `ID number` untouched


@pytest.mark.parametrize("fixture", ["moodle-de.csv", "moodle-sv.csv", "moodle-en-100.csv"])
def test_a_second_run_replaces_its_own_line_and_keeps_the_instructors(tmp_path, fixture):
    grading = _grading(tmp_path)
    first = _write(_sheet(tmp_path, (FIXTURES / fixture).read_bytes()), grading, {"502": 5.0})
    again = _sheet(tmp_path, first.text.encode("utf-8"), "again.csv")
    second = _write(again, grading, {"502": 7.5})
    changed = _changed(again, _sheet(tmp_path, second.text.encode("utf-8"), "second.csv"))
    old, new = changed[next(k for k in changed if "reportgen verify" in changed[k][1])]
    assert new.count("reportgen verify:") == 1 and old.count("reportgen verify:") == 1
    assert old.split("reportgen verify:")[0] == new.split("reportgen verify:")[0]  # theirs kept
    assert len(changed) == 2  # the grade and the comment; the date the first run gave stays


def test_an_instructors_words_after_reportgens_line_stay_too():
    old = "<p>Bra.</p>\nreportgen verify: DIFFERS. Grade: 5 of 10\nSe mig efter lektionen."
    assert moodle.with_earlier(old, "reportgen verify: reproduced. Grade: 10 of 10") == (
        "<p>Bra.</p>\nreportgen verify: reproduced. Grade: 10 of 10\nSe mig efter lektionen."
    )
    assert moodle.with_earlier("", "reportgen verify: x") == "reportgen verify: x"
    assert moodle.with_earlier("Bra.\r\n", "reportgen verify: x") == "Bra.\r\nreportgen verify: x"


# ---- the maximum: scaled, refused whole, never above it -------------------------------------


@pytest.mark.parametrize("fixture", ["moodle-de.csv", "moodle-en-100.csv"])
def test_a_forbidden_rescale_refuses_the_worksheet_in_one_line(tmp_path, fixture):
    sheet = _sheet(tmp_path, (FIXTURES / fixture).read_bytes())
    with pytest.raises(InputError) as caught:
        _write(sheet, _grading(tmp_path, rescale=False), {"501": 10.0})
    said = str(caught.value)
    assert "\n" not in said and "out of 100" in said and "[grading] max is 10" in said
    assert "rescale = true" in said


def test_a_maximum_of_zero_is_refused_and_no_grade_is_above_the_maximum(tmp_path):
    data = (FIXTURES / "moodle-en-100.csv").read_bytes()
    with pytest.raises(InputError, match="maximum for 'Grade' is 0"):
        _write(_sheet(tmp_path, data.replace(b",100.00,", b",0.00,")), _grading(tmp_path), {})
    sheet = _sheet(tmp_path, data.replace(b",100.00,", b",7.00,"))
    out = _write(sheet, _grading(tmp_path), {"501": 10.0, "502": 3.33})
    grades = [_sheet(tmp_path, out.text.encode(), "w.csv").value(r, 5) for r in (1, 2)]
    assert grades == ["7", "2.33"]  # 10 of 10 is 7 of 7; 3.33 * 7 / 10 = 2.331 -> 2.33


def test_a_scale_graded_worksheet_is_refused_in_one_line(tmp_path):
    """A scale (`Godkänd`/`Underkänd`) has no points: a number in its grade cell is no grade."""
    data = (FIXTURES / "moodle-en-100.csv").read_bytes().replace(b",100.00,", b",Godk\xc3\xa4nd,")
    with pytest.raises(InputError) as caught:
        _write(_sheet(tmp_path, data), _grading(tmp_path), {"501": 10.0})
    assert str(caught.value) == (
        "the worksheet's 'Grade' is graded on a scale (its maximum reads 'Godkänd'), not in "
        "points: give the assignment a point grade in Moodle, or grade by hand"
    )


# ---- languages: French, Spanish, one reportgen does not know -------------------------------

LANGUAGES = {
    "fr": (
        "Identifiant,Nom complet,Adresse de courriel,Statut,Note,Note maximale,"
        "La note peut être modifiée,Dernière modification (travail remis),"
        "Dernière modification (note),Feedback par commentaires",
        "Participant501",
        '"Remis pour évaluation\nEn retard de 2 jours 3 heures"',
    ),
    "es": (
        "Identificador,Nombre completo,Dirección de correo,Estado,Calificación,"
        "Calificación máxima,La calificación puede ser cambiada,Última modificación (entrega),"
        "Última modificación (calificación),Comentarios de retroalimentación",
        "Participante 501",
        '"Enviado para calificar\n2 días 3 horas de retraso"',
    ),
    "nl (not in the table)": (
        "Identificatie,Volledige naam,E-mailadres,Toestand,Beoordeling,Maximum beoordeling,"
        "Beoordeling kan gewijzigd worden,Laatst gewijzigd (inzending),"
        "Laatst gewijzigd (beoordeling),Feedback als opmerking",
        "Deelnemer 501",
        '"Ingediend voor beoordeling\n2 dagen te laat"',
    ),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_columns_by_their_words_or_by_content(tmp_path, language):
    header, identifier, status = LANGUAGES[language]
    rows = [
        header,
        f'{identifier},"Åsa Öberg",a@x.org,{status},,"100,00",Ja,"1 jan 2026",-,"<p>Bien.</p>"',
        f'{identifier[:-3]}509,Cai,c@x.org,-,,"100,00",Ja,-,-,',
    ]
    sheet = _sheet(tmp_path, ("\n".join(rows) + "\n").encode("utf-8"))
    cols = moodle.columns(sheet)
    assert (cols["id"], cols["grade"], cols["max"], cols["modified"], cols["feedback"]) == (
        0, 4, 5, 8, 9
    )  # fmt: skip
    out = _write(sheet, _grading(tmp_path), {"501": 7.5})
    after = _sheet(tmp_path, out.text.encode("utf-8"), "w.csv")
    assert after.value(1, 4) == "75" and after.value(1, 8) == STAMP
    assert after.value(1, 9).startswith("<p>Bien.</p>\nreportgen verify:")
    known = language != "nl (not in the table)"
    assert moodle.lateness(sheet) == ({"501": True, "509": False} if known else {})


def test_late_in_each_language_the_table_knows():
    said = {
        "Assignment was submitted 2 days 3 hours late": True,
        "Submitted for grading - Graded": False,
        "Zur Bewertung abgegeben\n2 Tage 3 Stunden später\nBewertet": True,
        "Die Abgabe erfolgte 2 Tage verspätet": True,
        "Inlämnad för betygsättning\n2 dagar 3 timmar för sent": True,
        "Inlämnad för betygsättning": False,
        "Le travail a été remis en retard de 2 jours": True,
        "La tarea fue enviada 2 días después": True,
        "Enviado para calificar": False,
        "Keine Abgabe": False,
    }
    assert {s: bool(moodle.LATE.search(s)) for s in said} == said


def test_a_sheet_whose_first_column_is_no_identifier_is_not_moodles(tmp_path):
    canvas_like = b'Student,ID,Section,Rapport (7001)\n"    Points Possible",,,10\n"Ob, A",101,K,\n'
    assert not moodle.is_worksheet(_sheet(tmp_path, canvas_like))
    numbered = b"Student,ID,Section,Rapport (7001)\nStudent 1,101,K,\nStudent 2,102,K,\n"
    assert not moodle.is_worksheet(_sheet(tmp_path, numbered))  # Canvas's demo students
    digits_only = b"ID,Grade,Maximum Grade\n12,,10\n"
    assert not moodle.is_worksheet(_sheet(tmp_path, digits_only))  # a word, then the id


# ---- round trips through `verify` (the session's Moodle class, tests/lms/conftest.py) -------


def _round_trip(asa, tmp_path, fixture: str, rescale: bool = True, sheet_bytes: bytes = b""):
    pdf, course = asa
    if not rescale:
        course = tmp_path / "course.toml"
        course.write_text(asa[1].read_text("utf-8") + "rescale = false\n", encoding="utf-8")
    download = zip_of(tmp_path / "KK2.zip", moodle_download(pdf, pdf))
    sheet = tmp_path / fixture
    sheet.write_bytes(sheet_bytes or (FIXTURES / fixture).read_bytes())
    summary = tmp_path / "klass"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1768557600")  # 2026-01-16 10:00 UTC: the grades' time
    try:
        code, report, console = run(
            str(download), "--expect", str(course), "--summary", str(summary),
            "--gradebook", str(sheet),
        )  # fmt: skip
    finally:
        mp.undo()
    return code, report, console, sheet, summary


def test_round_trip_a_german_worksheet_scaled_with_late_in_the_summary(asa, tmp_path):
    code, report, console, sheet, summary = _round_trip(asa, tmp_path, "moodle-de.csv")
    before = read_sheet(sheet)
    written = summary / sheet.name
    changed = _changed(before, read_sheet(written))
    assert {k: v[1] for k, v in changed.items() if k[1] == 5} == {
        (1, 5): "100",
        (2, 5): "75",
        (3, 5): "100",
    }  # fmt: skip  (Åsa reproduced; Bob handed in Åsa's report: 10 - 2.5; blind: reproduced)
    assert changed[(1, 8)] == ("-", STAMP) and (2, 8) not in changed
    assert changed[(2, 9)][1].startswith("<p>Gut gemacht, aber die Tabelle fehlt.</p>\n")
    assert changed[(2, 9)][1].endswith("-> 7.5 of 10 (on the worksheet: 75 of 100)")
    assert {c for _, c in changed} == {5, 8, 9}  # only grades, the empty dates, the comments
    assert "3 grade(s) in 'Bewertung'" in console
    assert "not in the gradebook (not graded): student id(s) 504" in console
    data = json.loads((summary / "summary.json").read_text("utf-8"))
    late = {e["student_id"]: e["late"] for e in data["submissions"]}
    assert late == {"501": False, "502": True, "503": False, "504": None}  # 504: not in it
    assert {e["student_id"]: e["late"] for e in report["submissions"]} == late
    with open(summary / "summary.csv", newline="", encoding="utf-8") as fh:
        table = {row["student_id"]: row["late"] for row in csv.DictReader(fh)}
    assert table == {"501": "no", "502": "yes", "503": "no", "504": ""}  # the class table


def test_round_trip_a_swedish_worksheet_kept_byte_for_byte(asa, tmp_path):
    code, _, console, sheet, summary = _round_trip(asa, tmp_path, "moodle-sv.csv")
    original = sheet.read_bytes()
    written = (summary / sheet.name).read_bytes()
    expected = (
        original.replace(b'"Inl\xc3\xa4mnad f\xc3\xb6r betygs\xc3\xa4ttning",,"10,00",Ja,'
                         b'"torsdag, 15 januari 2026, 10:30",-,',
                         b'"Inl\xc3\xa4mnad f\xc3\xb6r betygs\xc3\xa4ttning",10,"10,00",Ja,'
                         b'"torsdag, 15 januari 2026, 10:30",' + STAMP.join('""').encode()
                         + b",reportgen verify: reproduced. Grade: reproduced: 10 -> 10 of 10")
    )  # fmt: skip
    assert written.startswith(b"\xef\xbb\xbf") and written.count(b"\n") == original.count(b"\n")
    assert written.split(b"\n")[1] == expected.split(b"\n")[1]
    assert b'sent","7,5","10,00",Ja,' in written  # Bob: 7.5 in the file's decimal comma
    assert written.split(b"\n")[-2:] == original.split(b"\n")[-2:]  # Cai Chen, the final LF


def test_round_trip_refused_before_the_class_is_verified_and_nothing_written(asa, tmp_path):
    code, report, console, sheet, summary = _round_trip(
        asa, tmp_path, "moodle-en-100.csv", rescale=False
    )
    lines = console.strip().splitlines()
    assert code == 2 and report == {} and len(lines) == 1
    assert re.fullmatch(
        r"reportgen: error: the gradebook's 'Grade' is out of 100, the course's \[grading\] max "
        r"is 10: set max = 100, or rescale = true to scale the grades",
        lines[0],
    )
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == ["KK2.zip", "course.toml", "moodle-en-100.csv"]  # no summary, none staged


def test_round_trip_twice_over_the_written_worksheet(asa, tmp_path):
    _, _, _, sheet, summary = _round_trip(asa, tmp_path, "moodle-en-100.csv")
    first = (summary / sheet.name).read_bytes()
    again = tmp_path / "again"
    again.mkdir()
    _, _, _, _, summary2 = _round_trip(asa, again, "moodle-en-100.csv", sheet_bytes=first)
    second = (summary2 / sheet.name).read_bytes()
    assert second == first  # the same grades: the same bytes, reportgen's line not added twice
    assert first.count(b"reportgen verify:") == 3
