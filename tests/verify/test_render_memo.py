"""verify recalls a render this machine made before (render_memo) only for the very same inputs
and the very same PDF bytes; everything else renders."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.report import render_memo


def _verify(capsys, *args: str) -> dict:
    code = main(["verify", *args, "--format", "json"])
    out, err = capsys.readouterr()
    entry = json.loads(out)["submissions"][0]
    entry["exit"], entry["console"] = code, err
    return entry


def _entries() -> list[Path]:
    return sorted((Path(os.environ["REPORTGEN_CACHE_DIR"]) / render_memo.FOLDER).glob("*/*.json"))


def test_a_built_report_is_recalled_and_a_no_cache_verify_renders(built, capsys):
    recalled = _verify(capsys, str(built / "report.pdf"))
    assert (recalled["verdict"], recalled["render"]) == ("reproduced", "recalled"), recalled
    assert recalled["checks"]["integrity"] == "byte-identical"
    assert "1 report(s) recalled, not rendered" in recalled["console"]
    rendered = _verify(capsys, str(built / "report.pdf"), "--no-cache")
    assert (rendered["verdict"], rendered["render"]) == ("reproduced", "rendered"), rendered
    assert rendered["checks"] == recalled["checks"] and "recalled" not in rendered["console"]


def test_other_bytes_under_the_same_inputs_are_rendered_and_caught(built, tmp_path, capsys):
    """A byte added after the end of the file: the same attachments (the same key), another
    SHA-256. The entry does not answer for it; the render does, and finds the change."""
    changed = tmp_path / "changed.pdf"
    changed.write_bytes((built / "report.pdf").read_bytes() + b"%\n")
    entry = _verify(capsys, str(changed))
    assert entry["render"] == "rendered" and entry["verdict"] == "tampered", entry
    assert "changed after the build" in " ".join(entry["details"])


def test_a_damaged_entry_is_no_entry(built, capsys):
    before = {path: path.read_bytes() for path in _entries()}
    assert before, "the build recorded no render"
    try:
        for path in before:
            path.write_text("{not json", encoding="utf-8")
        entry = _verify(capsys, str(built / "report.pdf"))
        assert (entry["verdict"], entry["render"]) == ("reproduced", "rendered"), entry
    finally:
        for path, data in before.items():
            path.write_bytes(data)


def test_an_entry_answers_only_for_its_own_key(tmp_path, monkeypatch):
    """An entry copied under another key's name, a digest that is not one, an entry too large:
    no entry."""
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path))
    pdf = b"%PDF-1.7 a report"
    mine, other = "1" * 64, "2" * 64
    render_memo.remember(mine, pdf)
    assert render_memo.recall(mine) == hashlib.sha256(pdf).hexdigest()
    entry = render_memo._entry_path(mine)
    target = render_memo._entry_path(other)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(entry.read_bytes())
    assert render_memo.recall(other) is None
    entry.write_text(json.dumps({"key": mine, "pdf_sha256": "not a digest"}), encoding="utf-8")
    assert render_memo.recall(mine) is None
    entry.write_text(json.dumps({"key": mine, "pad": "x" * 5000}), encoding="utf-8")
    assert render_memo.recall(mine) is None
    assert render_memo.recall(None) is None


def test_the_key_follows_every_input(built, tmp_path):
    from reportgen.report.html import pdf_options
    from reportgen.results import parse_results

    results = parse_results((built / "results.json").read_text(encoding="utf-8"))
    html = (built / "report.html").read_text(encoding="utf-8")
    folder = tmp_path / "copy"
    shutil.copytree(built / "figures", folder / "figures")
    options = pdf_options(results)
    key = render_memo.render_key(html, folder, options)
    assert key == render_memo.render_key(html, built, options)  # the folder is not an input
    assert render_memo.recall(key) is not None
    assert render_memo.render_key(html + " ", folder, options) != key
    assert render_memo.render_key(html, folder, {**options, "author": "Other"}) != key
    figure = sorted((folder / "figures").iterdir())[0]
    figure.write_bytes(figure.read_bytes() + b"\n")
    assert render_memo.render_key(html, folder, options) != key


@pytest.mark.parametrize(
    ("html", "independent"),
    [
        ('<a href="#teori">x</a><img src="figures/rmse.svg">', True),
        ('<a href="https://example.com/a">x</a><a href="/etc/passwd">y</a>', True),
        ('<img src="data:image/png;base64,AAAA">', True),
        ('<a href="notes.html">x</a>', False),  # the PDF's link would carry the folder
        ('<img src="../secret.svg">', False),
        ('<img src="figures/../x.svg">', False),
        ('<img src="file:///etc/x.svg">', False),
    ],
)
def test_only_a_report_that_cannot_depend_on_its_folder_is_recorded(html, independent):
    assert render_memo.folder_independent(html) is independent
    key = render_memo.render_key(html, Path("/nonexistent"), {"title": "t"})
    assert (key is not None) is independent


def test_cache_clear_forgets_the_renders(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path))
    for n in range(3):
        render_memo.remember(f"{n}" * 64, b"%PDF-1.7 a report")
    assert render_memo.recall("1" * 64) is not None and len(_entries()) == 3
    assert main(["cache", "clear"]) == 0
    assert "removed 3 recorded renders" in capsys.readouterr().out
    assert _entries() == [] and render_memo.recall("1" * 64) is None
