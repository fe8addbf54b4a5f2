"""A class is not one machine: students build in environments of their own, made with uv beside
the project (the lock, other WeasyPrints, another scikit-learn and NumPy), and verify, from the
locked environment, gives no false verdict, while a digit edited in each PDF is still caught.

Slow (a build and a verify per environment, 6-10 minutes on 2 cores): `make test-slow`. Prints
the table and writes it to output/drift-table.md. The student venvs are made in seconds from
uv's wheel cache after the first run.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ..helpers import BUILD_ARGS, ROOT, edit_a_digit, run_verify, write_fast_toml

pytest.importorskip("pikepdf", reason="pikepdf is not installed (the dev extras)")
uv = pytest.importorskip("uv", reason="uv is not installed")

# name -> what is installed after the project itself (uv pip install ARGS); `--no-deps` forces a
# version the project's pins do not allow, as a student's `pip install weasyprint==68.1` would.
ENVIRONMENTS = {
    "the lock": [],
    "WeasyPrint 68.1": ["--no-deps", "weasyprint==68.1"],
    "WeasyPrint 69.0": ["--no-deps", "weasyprint==69.0"],
    "WeasyPrint 66.0": ["--no-deps", "weasyprint==66.0"],
    "scikit-learn 1.8.0 + NumPy 2.3.5": ["scikit-learn==1.8.0", "numpy==2.3.5"],
}
# Must build: the lock, WeasyPrint 68.1, another WeasyPrint, another scikit-learn and NumPy.
MUST_BUILD = ("the lock", "WeasyPrint 68.1", "WeasyPrint 69.0", "scikit-learn 1.8.0 + NumPy 2.3.5")
FALSE = ("tampered", "differs", "error")
TABLE = ROOT / "output" / "drift-table.md"


def _uv(*args: str, python: Path | None = None) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    where = ["--python", str(python)] if python else []
    subprocess.run([uv.find_uv_bin(), *args, *where], check=True, env=env, capture_output=True)


def _student(folder: Path, extra: list[str]) -> Path:
    """A student's venv: the project, then `extra`; its interpreter."""
    import sys

    _uv("venv", "--quiet", str(folder), python=Path(sys.executable))
    python = folder / "bin" / "python"
    _uv("pip", "install", "--quiet", str(ROOT), python=python)
    if extra:
        _uv("pip", "install", "--quiet", *extra, python=python)
    return python


def _build(python: Path, config: str, out: Path, cache: Path) -> str:
    """The student's build (the opt-out flag: their stack is untested): 'ok' or its last line."""
    argv = [str(python), "-m", "reportgen", "build", "--config", config, *BUILD_ARGS]
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(cache)}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [*argv, "--untested-stack", "--out", str(out)], capture_output=True, text=True, env=env
    )
    if done.returncode == 0 and (out / "report.pdf").is_file():
        return "ok"
    lines = (done.stderr or done.stdout).strip().splitlines()
    return "fails: " + (lines[-1][:90] if lines else f"exit {done.returncode}")


@pytest.mark.slow
def test_no_false_verdict_for_any_student_environment(tmp_path):
    config = write_fast_toml(tmp_path / "fast.toml", report={"author": "Anna Andersson"})
    rows = []
    for name, extra in ENVIRONMENTS.items():
        folder = tmp_path / name.replace(" ", "-").replace("+", "and")
        python = _student(folder / "venv", extra)
        build = _build(python, config, folder / "out", folder / "cache")
        if build != "ok":
            rows.append((name, build, "-", "-", "-", ""))
            continue
        honest = folder / "out" / "report.pdf"
        edited, where = edit_a_digit(honest.read_bytes())
        (folder / "edited.pdf").write_bytes(edited)
        _, report, console = run_verify(str(honest), str(folder / "edited.pdf"))
        entries = {Path(e["path"]).name: e for e in report.get("submissions", [])}
        assert set(entries) == {"report.pdf", "edited.pdf"}, console
        ours, theirs = entries["report.pdf"], entries["edited.pdf"]
        integrity = ours["checks"].get("integrity", "-")
        rows.append((name, build, ours["verdict"], integrity, theirs["verdict"], where))

    lines = [
        "| student environment | build | verdict | integrity | an edited digit's verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {n} | {b} | {v} | {i} | {e}{f' ({w})' if w else ''} |" for n, b, v, i, e, w in rows
    ]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    TABLE.parent.mkdir(exist_ok=True)
    TABLE.write_text(text, encoding="utf-8")

    built = {row[0]: row for row in rows}
    for name in MUST_BUILD:
        assert built[name][1] == "ok", built[name]
    assert built["the lock"][3] == "byte-identical", built["the lock"]
    for name, build, verdict, _, edited_verdict, _ in rows:
        if build == "ok":
            assert verdict not in FALSE, (name, verdict)
            assert edited_verdict == "tampered", (name, edited_verdict)
