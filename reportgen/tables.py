"""One table model for reportgen's own outputs, rendered to text, Markdown, HTML and CSV.

The diff of two runs, a verify report and the class summary build a `Table` (columns, rows,
a caption) and hand it to one renderer per format, as DVC's TabularData does; they never lay
out a table themselves. The HTML pages share one stylesheet (tables.css, shipped beside this
module), inlined into each page so that it opens offline.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

STYLESHEET = Path(__file__).with_name("tables.css")


@dataclass(frozen=True)
class Column:
    """A column: its heading, `key` (its name in CSV, for a program; default: the heading),
    `align` (right for numbers), `code` (a path or a key: `code` in Markdown and HTML) and
    `width` (in HTML)."""

    name: str
    key: str = ""
    align: Literal["left", "right"] = "left"
    code: bool = False
    width: str = ""  # an HTML table's column width (a CSS length: "9em", "30%"); default: auto

    @property
    def csv_name(self) -> str:
        return self.key or self.name


@dataclass(frozen=True)
class Cell:
    """A cell whose HTML carries more than its text: `css`, a class (a verdict's colour; the
    text always says it in words too), `href`, a link, and `value`, what CSV writes instead of
    the text (a verdict's key where the text is its label), `sort`, what a sortable HTML
    table sorts it by instead of its text (a number behind its formatted text), and `title`,
    the text a pointer resting on it shows (a cell cut short: its whole text)."""

    text: str
    css: str = ""
    href: str = ""
    value: str | None = None
    sort: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Table:
    """Columns and rows of cells (a plain string is a cell without extras). `sortable`: the
    HTML table sorts by a click on a column's heading; `css`, the HTML table's class."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell | str, ...], ...]
    caption: str = ""
    sortable: bool = False
    css: str = ""

    def cells(self) -> list[list[Cell]]:
        """The rows with every cell a Cell."""
        return [[c if isinstance(c, Cell) else Cell(str(c)) for c in row] for row in self.rows]


def cut(text: str, width: int | None) -> str:
    """`text`, ending in "…" where it is longer than `width`."""
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def to_text(table: Table, cell_width: int | None = None, line_width: int | None = None) -> str:
    """Aligned columns under their headings, two spaces apart; a cell longer than `cell_width`
    and a line longer than `line_width` end in '…'."""
    grid = [[c.name for c in table.columns]] + [[c.text for c in r] for r in table.cells()]
    grid = [[cut(text, cell_width) for text in row] for row in grid]
    widths = [max(len(row[i]) for row in grid) for i in range(len(table.columns))]
    lines = [table.caption] if table.caption else []
    for row in grid:
        cells = [
            text.rjust(widths[i]) if table.columns[i].align == "right" else text.ljust(widths[i])
            for i, text in enumerate(row)
        ]
        lines.append(cut("  ".join(cells).rstrip(), line_width))
    return "\n".join(lines) + "\n"


def to_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table; '|' in a cell is escaped."""

    def cell(text: str, column: Column) -> str:
        text = text.replace("|", "\\|")
        return f"`{text}`" if column.code and text else text

    lines = [f"_{table.caption}_", ""] if table.caption else []
    lines.append("| " + " | ".join(c.name for c in table.columns) + " |")
    lines.append("|" + "".join("---:|" if c.align == "right" else "---|" for c in table.columns))
    for row in table.cells():
        texts = (cell(x.text, c) for x, c in zip(row, table.columns, strict=True))
        lines.append("| " + " | ".join(texts) + " |")
    return "\n".join(lines) + "\n"


def to_html(table: Table) -> str:
    """An HTML table: headings in <thead>, numbers right-aligned (class num), a cell's class and
    link as the table's cells carry them; every text escaped."""
    e = html.escape
    heads = []
    for i, column in enumerate(table.columns):
        sort = f" data-col='{i}' aria-sort='none'" if table.sortable else ""
        heads.append(f"<th scope='col'{sort}>{e(column.name)}</th>")
    body = []
    for row in table.cells():
        tds = []
        for cell, column in zip(row, table.columns, strict=True):
            text = e(cell.text)
            if column.code and cell.text:
                text = f"<code>{text}</code>"
            if cell.href:
                text = f"<a href='{e(cell.href)}'>{text}</a>"
            css = " ".join(x for x in ("num" if column.align == "right" else "", cell.css) if x)
            attrs = f" class='{e(css)}'" if css else ""
            if table.sortable and cell.sort is not None:
                attrs += f" data-sort='{e(cell.sort)}'"
            if cell.title:
                attrs += f" title='{e(cell.title)}'"
            tds.append(f"<td{attrs}>{text}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    caption = f"<caption>{e(table.caption)}</caption>" if table.caption else ""
    cols = ""
    if any(c.width for c in table.columns):
        cols = "<colgroup>" + "".join(
            f"<col style='width:{e(c.width)}'>" if c.width else "<col>" for c in table.columns
        ) + "</colgroup>"  # fmt: skip
    css = f" class='{e(table.css)}'" if table.css else ""
    return (
        f"<table{css}>{caption}{cols}<thead><tr>{''.join(heads)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


# what a spreadsheet (Excel, LibreOffice Calc, Google Sheets) runs as a formula when a cell
# begins with it: OWASP's "CSV Injection" list (=, +, -, @, tab, carriage return)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text and never runs: one that begins with one of
    FORMULA_STARTS and is not a number (`-0.25`, `+3`, `-1,5` stay numbers) gets a leading
    apostrophe, as OWASP advises; the apostrophe shows in the cell, the text after it is kept."""
    if not text.startswith(FORMULA_STARTS):
        return text
    try:
        float(text.replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return "'" + text
    return text if text[0] not in "\t\r" else "'" + text  # float() skips leading whitespace


def to_csv(table: Table) -> str:
    """CSV with a heading row of the columns' keys; a cell's value where it has one. Every cell
    is spreadsheet_safe: a file name, an author or a reason from a submission, an LMS's student
    names, a run's label all reach a spreadsheet when an instructor opens the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(c.csv_name) for c in table.columns])
    for row in table.cells():
        writer.writerow([spreadsheet_safe(c.text if c.value is None else c.value) for c in row])
    return buffer.getvalue()


@cache
def stylesheet() -> str:
    """The one stylesheet of reportgen's HTML outputs (diff, verify, the class summary)."""
    return STYLESHEET.read_text(encoding="utf-8")


SORT_SCRIPT = """
function key(cell) { return cell.hasAttribute('data-sort') ? cell.dataset.sort : cell.textContent; }
document.querySelectorAll('th[data-col]').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], col = +th.dataset.col;
    var up = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return up ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def html_page(
    title: str, body: str, sortable: bool = False, style: str = "", lang: str = "en"
) -> str:
    """A standalone page in the language `lang`: the stylesheet inlined (and `style`, a page's
    own rules), nothing loaded from outside; `sortable`: with the few lines of script that sort
    a sortable table by a click on a heading (by a cell's data-sort where it has one: a number
    behind its text)."""
    tail = f"<script>{SORT_SCRIPT}</script>" if sortable else ""
    return (
        f"<!DOCTYPE html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{stylesheet()}{style}</style></head>"
        f"<body>{body}{tail}</body></html>\n"
    )
