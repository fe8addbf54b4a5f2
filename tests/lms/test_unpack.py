"""Hostile downloads: each refused in one line (exit 2, or verdict error beside the rest),
nothing written outside a temporary folder that is gone afterwards."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.lms import unpack

from .downloads import zip_of


def _listing(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


def _raw_names(path: Path, files: dict[str, bytes], renamed: dict[bytes, bytes]) -> Path:
    """A ZIP whose entry names are then patched byte for byte (names no writer would make)."""
    zip_of(path, files)
    data = path.read_bytes()
    for old, new in renamed.items():
        assert len(old) == len(new)
        data = data.replace(old, new)
    path.write_bytes(data)
    return path


def _symlink(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("smithbob_102_9_link.pdf")
        info.external_attr = 0o120777 << 16
        archive.writestr(info, "/etc/passwd")
    return path


def _hostile(tmp: Path, kind: str, outside: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    z = tmp / f"{kind}.zip"
    if kind == "traversal":
        return zip_of(z, {f"../../{outside.name}": b"%PDF-1.7 evil"})
    if kind == "absolute":
        return zip_of(z, {str(outside): b"%PDF-1.7 evil"})
    if kind == "symlink":
        return _symlink(z)
    if kind == "bomb":
        return zip_of(z, {"smithbob_102_9_bomb.pdf": bytes(8 * 1024 * 1024)})
    if kind == "nested":
        return zip_of(z, {"smithbob_102_9_inner.zip": b"PK\x05\x06" + bytes(18)})
    if kind == "bad-name":
        return _raw_names(z, {"smithbob_102_9_XX.pdf": b"%PDF"}, {b"_XX.pdf": b"_\xff\xfe.pdf"})
    if kind == "duplicate":
        with zipfile.ZipFile(z, "w") as archive, pytest.warns(UserWarning):
            archive.writestr("smithbob_102_9_a.pdf", b"%PDF one")
            archive.writestr("smithbob_102_9_a.pdf", b"%PDF two")
        return z
    if kind == "not-a-zip":
        z.write_bytes(b"<html>a login page</html>")
        return z
    raise AssertionError(kind)


EXPECTED = {
    "traversal": "a path with '..': an entry must stay inside the download",
    "absolute": "an absolute path: an entry must stay inside the download",
    "symlink": "a symbolic link: only files are read",
    "bomb": "compressed",
    "nested": "an archive inside the archive",
    "bad-name": "its name is not valid UTF-8",
    "not-a-zip": "not-a-zip.zip is not a readable ZIP",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_a_hostile_download_is_refused_in_one_line(kind, tmp_path, capsys, monkeypatch):
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # the temporary folder, watched
    outside = tmp_path / f"evil-{os.getpid()}.pdf"
    download = _hostile(tmp_path / "in", kind, outside)
    before = _listing(tmp_path)
    assert main(["verify", str(download)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("reportgen: error: ") and EXPECTED[kind] in err[-1], err
    assert "Traceback" not in "\n".join(err)
    assert _listing(tmp_path) == before and not outside.exists() and not list(work.iterdir())


def test_refused_entries_are_errors_beside_the_good_ones(tmp_path, capsys):
    download = _raw_names(
        tmp_path / "mixed.zip",
        {"smithbob_102_9_a.docx": b"PK", "../x_1_2_b.pdf": b"%PDF", "x_1_3_XX.pdf": b"%PDF"},
        {b"_XX.pdf": b"_\xff\xfe.pdf"},
    )
    assert main(["verify", str(download), "--format", "csv"]) == 2  # every one an error
    rows = capsys.readouterr().out.splitlines()[1:]
    assert len(rows) == 3 and all(",error," in row for row in rows), rows
    assert any("refused: a path with '..'" in row for row in rows)
    assert any("refused: its name is not valid UTF-8" in row for row in rows)


def test_a_duplicate_name_is_refused_the_first_kept(tmp_path):
    download = _hostile(tmp_path, "duplicate", tmp_path / "unused")
    out = unpack.unpack(download, tmp_path / "into")
    assert out.names == ["smithbob_102_9_a.pdf"]
    assert out.refused == [("smithbob_102_9_a.pdf", "a second entry of the same name")]
    assert (tmp_path / "into" / "smithbob_102_9_a.pdf").read_bytes() == b"%PDF one"


def test_more_entries_than_the_limit_refuse_the_whole_download(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(unpack, "MAX_ENTRIES", 20)
    download = zip_of(tmp_path / "many.zip", {f"s_{n}_{n}_r.pdf": b"%PDF" for n in range(21)})
    assert main(["verify", str(download)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == (
        "reportgen: error: many.zip has 21 entries, more than the limit of 20: "
        "download the submissions in parts"
    )


def test_the_limits_are_stated(tmp_path):
    assert unpack.MAX_ENTRIES == 5000 and unpack.MAX_RATIO == 100
    assert unpack.MAX_ENTRY_BYTES == 100 * 2**20 and unpack.MAX_TOTAL_BYTES == 2 * 2**30
