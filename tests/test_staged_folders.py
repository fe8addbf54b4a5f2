"""Output folders published whole (files.StagedFolders): written beside their destinations and
moved into place together; a failure before that leaves the previous folders byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from reportgen.errors import InputError
from reportgen.files import StagedFolders, recover_leftovers


def own(relative: PurePosixPath) -> bool:
    """This test's command writes index.html and pages/."""
    return relative.as_posix() == "index.html" or relative.parts[0] == "pages"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def write(stage: StagedFolders, destination: Path, files: dict[str, str]) -> Path:
    staged = stage.folder(destination, own)
    for name, text in files.items():
        (staged / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).write_text(text, encoding="utf-8")
    return staged


def test_nothing_reaches_the_destination_before_publish(tmp_path):
    out = tmp_path / "klass"
    with StagedFolders() as stage:
        staged = write(stage, out, {"index.html": "new", "pages/0.html": "p0"})
        assert not out.exists() and staged.parent == tmp_path
        assert stage.publish() == [out.resolve()]
    assert snapshot(out) == {".reportgen-written": b"index.html\npages/0.html\n",
                             "index.html": b"new", "pages/0.html": b"p0"}  # fmt: skip
    assert leftovers(tmp_path) == [] and oct(out.stat().st_mode & 0o777) == "0o755"


def test_a_failure_before_publish_leaves_the_previous_folder_byte_for_byte(tmp_path):
    out = tmp_path / "klass"
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "old", "pages/0.html": "p0", "pages/1.html": "p1"})
        stage.publish()
    (out / "notes.txt").write_text("the teacher's own", encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(RuntimeError), StagedFolders() as stage:
        write(stage, out, {"index.html": "half"})
        raise RuntimeError("a writer failed")
    assert snapshot(out) == before and leftovers(tmp_path) == []


def test_publish_keeps_other_files_and_drops_stale_own_ones(tmp_path):
    out = tmp_path / "klass"
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "1", "pages/0.html": "a", "pages/1.html": "b",
                           "gradebook.csv": "graded"})  # fmt: skip
        stage.publish()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "data.bin").write_bytes(b"\x00\x01")
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "2", "pages/0.html": "a2"})
        stage.publish()
    files = snapshot(out)
    assert files["index.html"] == b"2" and files["pages/0.html"] == b"a2"
    assert "pages/1.html" not in files  # a page of the earlier, larger class
    assert "gradebook.csv" not in files  # written by the earlier run (its .reportgen-written)
    assert files["notes.txt"] == b"mine" and files["sub/data.bin"] == b"\x00\x01"


def test_a_folder_inside_another_is_published_with_it(tmp_path):
    outer, inner = tmp_path / "klass", tmp_path / "klass" / "feedback"
    with StagedFolders() as stage:
        write(stage, outer, {"index.html": "i"})
        staged_inner = write(stage, inner, {"a_feedback.pdf": "pdf"})
        assert staged_inner.parent == stage.folder(outer, own)
        with pytest.raises(ValueError):
            stage.folder(tmp_path, own)  # the outer folder must be staged first
        stage.publish()
    assert (inner / "a_feedback.pdf").read_text(encoding="utf-8") == "pdf"
    assert (outer / "index.html").read_text(encoding="utf-8") == "i"


def test_a_file_where_the_folder_should_be_is_one_line(tmp_path):
    (tmp_path / "klass").write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"), StagedFolders() as stage:
        stage.folder(tmp_path / "klass", own)


def test_a_killed_run_s_leftovers_are_removed_and_a_half_swap_undone(tmp_path):
    out = tmp_path / "klass"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    staging = tmp_path / f".klass.staging-{dead}-abc"
    staging.mkdir()
    (staging / "index.html").write_text("half", encoding="utf-8")
    aside = tmp_path / f".klass.old-{dead}-abc"  # killed between the two renames of a swap
    aside.mkdir()
    (aside / "index.html").write_text("previous", encoding="utf-8")
    alive = tmp_path / f".klass.staging-{os.getpid()}-xyz"  # a live run's: left alone
    alive.mkdir()
    recover_leftovers(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert leftovers(tmp_path) == [alive.name]


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_publish_over_a_previous_folder_with_or_without_an_atomic_exchange(
    tmp_path, monkeypatch, exchange
):
    import reportgen.files as files

    out = tmp_path / "klass"
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "old"})
        stage.publish()
    swaps = []
    real = files._exchange
    monkeypatch.setattr(
        files, "_exchange", lambda a, b: swaps.append(a) or (real(a, b) if exchange else False)
    )
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "new"})
        stage.publish()
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert len(swaps) == 1 and leftovers(tmp_path) == []


def test_the_working_directory_is_written_in_place_and_stays_the_shell_s(tmp_path, monkeypatch):
    out = tmp_path / "klass"
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "1", "pages/0.html": "a", "pages/1.html": "b"})
        stage.publish()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(out)  # `--summary .`: a swap would leave the shell in a removed folder
    inode = out.stat().st_ino
    with pytest.raises(RuntimeError), StagedFolders() as stage:
        staged = write(stage, Path("."), {"index.html": "half"})
        assert staged.parent == out  # staged inside it
        raise RuntimeError("a writer failed")
    assert snapshot(out)["index.html"] == b"1" and leftovers(out) == [".reportgen-written"]
    with StagedFolders() as stage:
        write(stage, Path("."), {"index.html": "2", "pages/0.html": "a2"})
        stage.publish()
    assert out.stat().st_ino == inode and Path.cwd() == out
    files = snapshot(out)
    assert files["index.html"] == b"2" and files["pages/0.html"] == b"a2"
    assert "pages/1.html" not in files and files["notes.txt"] == b"mine"
    assert leftovers(out) == [".reportgen-written"]


def test_a_hand_edited_list_of_written_files_removes_nothing_outside(tmp_path, monkeypatch):
    out, elsewhere = tmp_path / "klass", tmp_path / "precious.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    out.mkdir()
    (out / ".reportgen-written").write_text(f"../precious.txt\n{elsewhere}\n", encoding="utf-8")
    monkeypatch.chdir(out)  # in place: the files an earlier run listed are removed
    with StagedFolders() as stage:
        write(stage, out, {"index.html": "1"})
        stage.publish()
    assert elsewhere.read_text(encoding="utf-8") == "keep"
