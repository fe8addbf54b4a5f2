"""The one table model of diff, verify and the class summary, in each of its four renderings;
the one exit-code rule and the one-line error."""

from __future__ import annotations

import csv
import io

from reportgen import tables
from reportgen.errors import ReportgenError, exit_code, one_line
from reportgen.tables import Cell, Column, Table

COLUMNS = (
    Column("file", code=True),
    Column("verdict", key="verdict_key"),
    Column("rmse", align="right"),
)
TAMPERED = Cell("TAMPERED", css="tampered", value="tampered")
TABLE = Table(
    COLUMNS,
    ((Cell("a|b.pdf", href="s/0.html"), TAMPERED, "1.5"), ("<c>.pdf", "reproduced", "12.25")),
)


def test_text_aligns_numbers_right_and_cuts_long_cells():
    lines = tables.to_text(TABLE).splitlines()
    assert lines[0].split() == ["file", "verdict", "rmse"]
    assert lines[1].endswith("  1.5") and lines[2].endswith("12.25")
    assert len({len(line) for line in lines}) == 1  # one width: the number column ends each
    cut = tables.to_text(TABLE, cell_width=4, line_width=12).splitlines()
    assert cut[1].startswith("a|b…") and all(len(line) <= 12 for line in cut)
    assert cut[1].endswith("…")


def test_markdown_escapes_pipes_and_aligns():
    lines = tables.to_markdown(TABLE).splitlines()
    assert lines[0] == "| file | verdict | rmse |"
    assert lines[1] == "|---|---|---:|"
    assert lines[2] == "| `a\\|b.pdf` | TAMPERED | 1.5 |"


def test_html_escapes_and_carries_classes_and_links():
    page = tables.to_html(TABLE)
    assert "<thead><tr><th scope='col'>file</th>" in page
    assert "<td><a href='s/0.html'><code>a|b.pdf</code></a></td>" in page
    assert "<td class='tampered'>TAMPERED</td>" in page and "<td class='num'>1.5</td>" in page
    assert "&lt;c&gt;.pdf" in page and "<c>" not in page
    assert page.count("<tr>") == 3
    sortable = tables.to_html(Table(TABLE.columns, TABLE.rows, sortable=True))
    assert "data-col='2' aria-sort='none'" in sortable


def test_csv_writes_keys_and_values():
    rows = list(csv.reader(io.StringIO(tables.to_csv(TABLE))))
    assert rows == [
        ["file", "verdict_key", "rmse"],
        ["a|b.pdf", "tampered", "1.5"],
        ["<c>.pdf", "reproduced", "12.25"],
    ]


def test_a_page_carries_the_one_stylesheet_and_nothing_from_outside():
    page = tables.html_page("t <1>", tables.to_html(TABLE), sortable=True)
    assert tables.stylesheet() in page and "td.num" in tables.stylesheet()
    assert "<title>t &lt;1&gt;</title>" in page and "<script>" in page
    assert "http" not in page
    assert "<script>" not in tables.html_page("t", "")


def test_a_row_of_the_wrong_length_is_refused():
    import pytest

    with pytest.raises(ValueError):
        tables.to_html(Table(TABLE.columns, (("only one",),)))


def test_one_exit_code_rule():
    assert exit_code([], ["any"]) == 0
    assert exit_code([set()], ["any"]) == 0
    assert exit_code([{"any", "worse"}], ["any"]) == 1
    assert exit_code([{"any"}], ["worse"]) == 0
    assert exit_code([{"error", "any"}, {"error", "any"}], ["tampered"]) == 2
    assert exit_code([{"error", "any"}, {"reproduced"}], ["any"]) == 1
    assert exit_code([{"reproduced", "departs"}], ["departs"]) == 1


def test_one_line_errors():
    assert one_line(ReportgenError("bad\n  config")) == "bad config"
    assert one_line(OSError("disk\nfull")) == "OSError: disk full"
    assert one_line("a\nb") == "a b"
