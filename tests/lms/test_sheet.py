"""A gradebook in the encoding it came in: UTF-16 (a tab-separated ".xls" download), UTF-8, or
Windows-1252 (saved from Excel on Windows); edited cells only, every other byte kept."""

from __future__ import annotations

import pytest

from reportgen.errors import InputError
from reportgen.lms.sheet import read_sheet

ROWS = '"Last Name"\t"First Name"\t"Username"\t"Rapport [Total Pts: 10 Score] |77"\r\n'
ROWS += '"Öberg"\t"Åsa"\t"asaob"\t""\r\n"Smith"\t"Bob"\t"bobsm"\t"3.00"\r\n'


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-16-le", b"\xff\xfe" + ROWS.encode("utf-16-le")),
        ("utf-16-be", b"\xfe\xff" + ROWS.encode("utf-16-be")),
        ("utf-8", ROWS.replace("\t", ",").encode("utf-8")),
        ("cp1252", ROWS.replace("\t", ";").replace("Ö", "Ö€").encode("cp1252")),
    ],
)
def test_a_sheet_is_written_back_in_its_own_encoding(tmp_path, encoding, data):
    path = tmp_path / "grades.csv"
    path.write_bytes(data)
    sheet = read_sheet(path)
    assert sheet.encoding == encoding
    assert sheet.value(1, 0).strip('"').startswith("Öberg"[0]) and sheet.value(1, 2) == "asaob"
    assert sheet.encoded(sheet.edited({})) == data  # nothing edited: the same bytes
    edited = sheet.encoded(sheet.edited({(1, 3): "7.50"}))
    old, new = ROWS.split("\r\n")[1], ROWS.split("\r\n")[1].replace('""', '"7.50"')
    delimiter = sheet.delimiter
    assert edited.decode(encoding) == data.decode(encoding).replace(
        old.replace("\t", delimiter).replace("Ö", "Ö€" if encoding == "cp1252" else "Ö"),
        new.replace("\t", delimiter).replace("Ö", "Ö€" if encoding == "cp1252" else "Ö"),
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00rest", "an Excel workbook (.xlsx), not CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "an Excel 97 workbook, not CSV"),
        (b"a,b\x00\n1,2\n", "not a text file"),
        (b"\xff\xfe\x00\xd8", "not UTF-16 text after its BOM"),
    ],
)
def test_what_is_no_csv_is_one_line(tmp_path, data, words):
    path = tmp_path / "grades.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")) as caught:
        read_sheet(path)
    assert "\n" not in str(caught.value)
