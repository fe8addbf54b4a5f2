"""Text read from a submission, cleaned before a renderer, a terminal or a CSV gets it
(reportgen.untrusted)."""

from __future__ import annotations

import csv
import io

import pytest

from reportgen.untrusted import REPLACEMENT as R
from reportgen.untrusted import clean_data, clean_line, clean_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("validerings\ufffeoch testdelen", f"validerings{R}och testdelen"),  # pypdfium2's hyphen
        ("a\uffffb\ufdd0c\U0001fffed", f"a{R}b{R}c{R}d"),  # noncharacters, any plane
        ("\x1b[31mröd\x1b[0m", f"{R}[31mröd{R}[0m"),  # a terminal's escape
        ("nul\x00bell\x07del\x7fc1\x85", f"nul{R}bell{R}del{R}c1{R}"),
        ("half \ud800 pair", f"half {R} pair"),  # an unpaired surrogate (a JSON escape)
        ("admin\u202egnp.exe", f"admin{R}gnp.exe"),  # a bidirectional override
        ("rad 1\r\nrad 2\rrad 3\u2028rad 4\tflik", "rad 1\nrad 2\nrad 3\nrad 4\tflik"),
        ("Åsa Öberg – 98,3 % ﬁ ‐ \u00ad 😀", "Åsa Öberg – 98,3 % ﬁ ‐ \u00ad 😀"),  # untouched
    ],
)
def test_what_is_replaced_and_what_is_kept(raw, clean):
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean  # cleaning twice changes nothing more
    clean_text(raw).encode("utf-8")  # every result can be written


def test_one_line_for_a_cell_or_a_console_line():
    assert clean_line("rad 1\r\nrad 2\tflik\x0b") == f"rad 1 rad 2 flik{R}"


def test_every_string_of_a_report_keys_too():
    raw = {"path\x1b": ["a\ufffe", ("b\x00", 1.5)], "n": 3, "none": None}
    assert clean_data(raw) == {f"path{R}": [f"a{R}", (f"b{R}", 1.5)], "n": 3, "none": None}


def test_a_cleaned_csv_reads_back_as_written():
    cells = [clean_text("a\x00b"), clean_text("rad 1\r\nrad 2"), clean_line("\ud800")]
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    assert next(csv.reader(io.StringIO(out.getvalue()))) == cells


def test_an_error_line_never_carries_a_terminal_escape():
    from reportgen.errors import ReportgenError, one_line

    name = "evil\x1b]0;owned\x07\nname\ufffe.pdf"
    assert (
        one_line(ReportgenError(f"{name} is not a PDF"))
        == f"evil{R}]0;owned{R} name{R}.pdf is not a PDF"
    )


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://example.com","x")', '\'=HYPERLINK("http://example.com","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-x", "'-x"),
        ("-0.25", "-0.25"),  # a number stays one
        ("+3", "+3"),
        ("\tcmd", "'\tcmd"),  # a tab or a carriage return first: OWASP's list
        ("\r=1+2", "'\r=1+2"),
        ("\t3", "'\t3"),  # float() would take it, a spreadsheet too: not a number here
        ("-1,5", "-1,5"),  # a decimal comma's number
        ("Åsa Öberg", "Åsa Öberg"),
        ("", ""),
    ],
)
def test_a_csv_cell_never_runs_as_a_formula(cell, safe):
    from reportgen.tables import spreadsheet_safe

    assert spreadsheet_safe(cell) == safe


def test_the_class_csv_guards_what_a_submission_decides_and_nothing_else():
    from reportgen.verify.formats import to_csv

    entry = {"path": "=cmd.pdf", "author": "=1+2", "verdict": "error", "checks": {},
             "details": [], "reason": "@x", "output_errors": ["-y"]}  # fmt: skip
    row = next(csv.DictReader(io.StringIO(to_csv({"submissions": [entry]}))))
    assert (row["file"], row["author"], row["reason"], row["not_written"]) == (
        "'=cmd.pdf",
        "'=1+2",
        "'@x",
        "'-y",
    )
    assert row["verdict"] == "error"


def test_every_csv_reportgen_writes_is_spreadsheet_safe():
    """tables.to_csv is the one CSV writer (diff, compare, verify's class table, changes.csv):
    a text cell from outside never runs, a number stays a number."""
    from reportgen.tables import Column, Table, to_csv

    table = Table(
        (Column("run"), Column("accuracy", align="right")),
        (('=HYPERLINK("http://evil.example/x","Klicka")', "-0.25"), ("@SUM(A1)", "0.97")),
    )
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows == [
        ["run", "accuracy"],
        ['\'=HYPERLINK("http://evil.example/x","Klicka")', "-0.25"],
        ["'@SUM(A1)", "0.97"],
    ]
