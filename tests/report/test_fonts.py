"""The report's fonts are the package's own on every machine: same bytes whatever fonts the
system offers, only the bundled faces in the PDF, no silent fallback, changes re-render."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.errors import RenderError
from reportgen.report import fonts
from reportgen.report.pdf import check_fonts, render_environment

RENDER = """
import hashlib, pathlib, sys
from reportgen.results import parse_results
from reportgen.report.figures import save_figures
from reportgen.report.html import write_report
out = pathlib.Path(sys.argv[1])
results = parse_results(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
save_figures(results, out / "figures")
write_report(results, out)
print(hashlib.sha256((out / "report.pdf").read_bytes()).hexdigest())
"""


def _fontconfig(tmp_path: Path, name: str, folder: Path) -> Path:
    conf = tmp_path / f"{name}.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{folder}</dir><cachedir>{tmp_path / ('cache-' + name)}</cachedir>"
        "</fontconfig>\n"
    )
    return conf


@pytest.mark.slow
def test_the_same_pdf_bytes_whatever_fonts_the_system_has(tmp_path, fixture_path):
    """The machine's fonts; only Debian's DejaVu (a newer DejaVu under the same names); none."""
    import os

    empty = tmp_path / "no-fonts"
    empty.mkdir()
    setups = {"default": None, "empty": _fontconfig(tmp_path, "empty", empty)}
    debian = Path("/usr/share/fonts/truetype/dejavu")
    if debian.is_dir():
        setups["dejavu only"] = _fontconfig(tmp_path, "dejavu", debian)
    hashes = {}
    for name, conf in setups.items():
        env = dict(os.environ)
        if conf is not None:
            env["FONTCONFIG_FILE"] = str(conf)
        out = tmp_path / name.replace(" ", "-")
        proc = subprocess.run(
            [sys.executable, "-c", RENDER, str(out), str(fixture_path)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        hashes[name] = proc.stdout.strip()
    assert len(set(hashes.values())) == 1, hashes
    if not debian.is_dir():
        pytest.skip("Debian's fonts-dejavu-core is not installed: two setups compared, not three")


@pytest.mark.slow
def test_pdffonts_lists_only_the_bundled_faces(tmp_path, fixture_path):
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) not installed")
    proc = subprocess.run(
        [sys.executable, "-c", RENDER, str(tmp_path), str(fixture_path)], capture_output=True
    )
    assert proc.returncode == 0, proc.stderr
    lines = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+", 1)[1] for line in lines}
    assert names and all(
        n.startswith(("reportgen-Serif", "reportgen-Sans", "reportgen-Mono")) for n in names
    ), names
    assert all(line.split()[-5] == "yes" for line in lines)  # embedded


def test_a_character_no_bundled_face_has_is_a_build_error():
    check_fonts("<p>Ett två – 95,2 %</p>")
    with pytest.raises(RenderError, match=r"U\+4E2D CJK UNIFIED IDEOGRAPH-4E2D"):
        check_fonts("<p>Författare: 中文</p>")


def test_the_render_environment_names_pango_harfbuzz_and_each_font():
    env = render_environment()
    assert env["pango"][0].isdigit() and env["harfbuzz"][0].isdigit()
    assert [f["name"] for f in env["fonts"]] == [name for *_, name in fonts.FACES]
    assert all(len(f["sha256"]) == 64 for f in env["fonts"])


def test_a_changed_font_file_changes_the_render_key(tmp_path, monkeypatch):
    from reportgen.pipeline import render_key

    before = render_key("{}")
    copy = tmp_path / "ttf"
    shutil.copytree(fonts.font_dir(), copy)
    monkeypatch.setattr(fonts, "font_dir", lambda: copy)
    assert render_key("{}") == before  # the same files elsewhere: the same key
    with open(copy / "DejaVuSans.ttf", "ab") as fh:
        fh.write(b"\0")
    assert render_key("{}") != before
