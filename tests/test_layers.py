"""The layers that `make lint` keeps (pyproject.toml, [tool.importlinter]), and what import-linter
cannot say: the report and the diff import neither scikit-learn nor matplotlib.pyplot."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.locations import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent


def test_report_and_compare_import_neither_scikit_learn_nor_pyplot():
    """Every module of reportgen.report and reportgen.compare, imported in a fresh process: a
    render and a diff read results and draw with matplotlib's Figure, never pyplot."""
    check = (
        "import importlib, pkgutil, sys\n"
        "for name in ('reportgen.report', 'reportgen.compare'):\n"
        "    package = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(package.__path__, name + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'\n"
        "             or m.startswith('matplotlib.pyplot')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def _lint_imports(package_root: Path, contract: str) -> subprocess.CompletedProcess:
    """`lint-imports` on the copy of reportgen under `package_root`, one contract."""
    pytest.importorskip("importlinter")
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    return subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--contract", contract, "--no-cache"],
        capture_output=True,
        text=True,
        cwd=package_root,
        env=env,
    )


@pytest.fixture
def package_copy(tmp_path) -> Path:
    shutil.copytree(PACKAGE_DIR, tmp_path / "reportgen", ignore=shutil.ignore_patterns("__py*"))
    return tmp_path


def test_a_new_circle_fails_the_lint(package_copy):
    """metrics (the ground) importing results, which imports metrics: one layer, so the layers
    allow it; the acyclic contract does not."""
    metrics = package_copy / "reportgen" / "metrics.py"
    assert _lint_imports(package_copy, "layers").returncode == 0
    metrics.write_text(metrics.read_text() + "\nfrom . import results  # noqa\n")
    assert _lint_imports(package_copy, "layers").returncode == 0
    proc = _lint_imports(package_copy, "no-cycles")
    assert proc.returncode == 1
    assert "No cycles are allowed in reportgen." in proc.stdout
    assert ".metrics -> .results" in proc.stdout or ".results -> .metrics" in proc.stdout


def test_a_lower_layer_importing_a_higher_one_fails_the_lint(package_copy):
    """The report (below the pipeline) reaching up to it, inside a function: a broken layer."""
    context = package_copy / "reportgen" / "report" / "context.py"
    context.write_text(context.read_text() + "\n\ndef _up():\n    from .. import pipeline\n")
    proc = _lint_imports(package_copy, "layers")
    assert proc.returncode == 1
    assert "reportgen.report is not allowed to import reportgen.pipeline" in proc.stdout


def test_an_unlisted_module_fails_the_lint(package_copy):
    """Every module of reportgen has a place in the layers (exhaustive): a new one takes one."""
    (package_copy / "reportgen" / "newcomer.py").write_text("X = 1\n")
    proc = _lint_imports(package_copy, "layers")
    assert proc.returncode == 1
    assert "reportgen.newcomer" in proc.stdout


def test_report_and_compare_importing_scikit_learn_fails_the_lint(package_copy):
    diff = package_copy / "reportgen" / "compare" / "diff.py"
    diff.write_text(diff.read_text() + "\n\ndef _fit():\n    import sklearn  # noqa\n")
    proc = _lint_imports(package_copy, "report-compare-fit-nothing")
    assert proc.returncode == 1
    assert "reportgen.compare.diff -> sklearn" in proc.stdout
