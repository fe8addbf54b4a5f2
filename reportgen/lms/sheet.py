"""A CSV file edited in place: every byte but the cells changed stays (encoding, BOM, delimiter,
quoting, line endings, the other cells), as an LMS's importer expects of the file it handed out.

Encodings, as gradebooks reach an instructor: UTF-8 (Canvas, Moodle; a BOM kept where there is
one); UTF-16 with its BOM (a tab-separated ".xls" download, and Excel's "Unicode text"); and,
where the bytes are not UTF-8, Windows-1252 (a file opened in Excel and saved as CSV on Windows),
else Latin-1. Students are matched by ids that are ASCII, and the text is written back in the
encoding it came in, so every byte outside the cells changed stays whichever was guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..files import MAX_DOCUMENT_BYTES

BOM = "\ufeff"


@dataclass
class Sheet:
    """The decoded text, and each record's cells as (start, end) offsets of their raw text in
    it (quotes included)."""

    name: str
    text: str
    delimiter: str
    rows: list[list[tuple[int, int]]] = field(default_factory=list)
    encoding: str = "utf-8"

    def encoded(self, text: str) -> bytes:
        """`text` (this sheet's, edited) in the encoding the file came in; a character that a
        one-byte encoding lacks (in reportgen's own words only) becomes '?'."""
        return text.encode(self.encoding, errors="strict" if "utf" in self.encoding else "replace")

    def raw(self, row: int, col: int) -> str:
        start, end = self.rows[row][col]
        return self.text[start:end]

    def value(self, row: int, col: int) -> str:
        """A cell's value: unquoted, `""` as `"`; '' past the row's end."""
        if col >= len(self.rows[row]):
            return ""
        raw = self.raw(row, col)
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            return raw[1:-1].replace('""', '"')
        return raw

    def column(self, col: int, first: int = 1) -> list[str]:
        return [self.value(r, col) for r in range(first, len(self.rows))]

    def decimal_mark(self) -> str:
        """The decimal mark the file's numbers use: ',' or '.' (a semicolon file: ',')."""
        cells = [
            self.value(r, c) for r in range(1, len(self.rows)) for c in range(len(self.rows[r]))
        ]
        if any(re.fullmatch(r"-?\d+,\d+", v) for v in cells):
            return ","
        if any(re.fullmatch(r"-?\d+\.\d+", v) for v in cells):
            return "."
        return "," if self.delimiter == ";" else "."

    def edited(self, changes: dict[tuple[int, int], str]) -> str:
        """The text with the cells `changes` ((row, col) -> value) written; a cell keeps its
        quotes, and gets them where the value needs them."""
        out, at = [], 0
        for (row, col), value in sorted(changes.items(), key=lambda c: self.rows[c[0][0]][c[0][1]]):
            start, end = self.rows[row][col]
            quoted = self.text[start:end].startswith('"') or any(
                c in value for c in (self.delimiter, '"', "\n", "\r")
            )
            out += [
                self.text[at:start],
                f'"{value.replace(chr(34), chr(34) * 2)}"' if quoted else value,
            ]
            at = end
        return "".join(out) + self.text[at:]


def _split(text: str, delimiter: str) -> list[list[tuple[int, int]]]:
    """Records and their cells' spans (RFC 4180, any of CRLF, LF, CR ending a record)."""
    rows: list[list[tuple[int, int]]] = []
    row: list[tuple[int, int]] = []
    i, n, start, quoted = 0, len(text), 0, False
    while i < n:
        c = text[i]
        if quoted:
            if c == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"' and i == start:
            quoted = True
        elif c == delimiter:
            row.append((start, i))
            start = i + 1
        elif c in "\r\n":
            row.append((start, i))
            rows.append(row)
            row = []
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            start = i + 1
        i += 1
    if quoted:
        raise ValueError("a quoted cell is never closed")
    if start < n or row:
        row.append((start, n))
        rows.append(row)
    return rows


def read_sheet(path: Path) -> Sheet:
    """The CSV file `path` (UTF-8, with or without a BOM; comma, semicolon or tab)."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(f"{path.name} is larger than {MAX_DOCUMENT_BYTES} bytes: no gradebook")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"gradebook {path} not found: give the file the LMS exported") from None
    except OSError as exc:
        raise InputError(f"cannot read gradebook {path} ({exc.strerror})") from None
    text, encoding = _decoded(path.name, data)
    first = text.lstrip(BOM).split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows = _split(text, delimiter)
    except ValueError as exc:
        raise InputError(f"{path.name} is not a CSV file ({exc}): export it again") from None
    if len(rows) < 2 or first.count(delimiter) == 0:
        raise InputError(f"{path.name} has no header and rows of cells: export it again as CSV")
    if text.startswith(BOM):  # the BOM stays in the text, before the first cell's span
        rows[0][0] = (1, rows[0][0][1])
    return Sheet(path.name, text, delimiter, rows, encoding)


# what a gradebook that is no CSV begins with: the file an instructor saved from Excel instead
_NOT_CSV = {b"PK\x03\x04": "an Excel workbook (.xlsx)", b"\xd0\xcf\x11\xe0": "an Excel 97 workbook"}


def _decoded(name: str, data: bytes) -> tuple[str, str]:
    """(the text, its encoding): UTF-16 by its BOM, UTF-8, else Windows-1252, else Latin-1."""
    for magic, what in _NOT_CSV.items():
        if data.startswith(magic):
            raise InputError(
                f"{name} is {what}, not CSV: save it as CSV (UTF-8), or give the LMS's own file"
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        try:
            return data.decode(encoding), encoding  # the BOM stays a character of the text
        except UnicodeDecodeError:
            raise InputError(f"{name} is not UTF-16 text after its BOM: export it again") from None
    if b"\x00" in data:
        raise InputError(f"{name} is not a text file: export the gradebook as CSV again")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("Latin-1 decodes any bytes")
