"""The command line end to end on small real data, and its one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reportgen.cli import main
from reportgen.models import MODELS

from .helpers import FAST_GRIDS


def fast_toml(tmp_path, extra: str = "") -> str:
    lines = ["[report]", 'date = "2026-01-15"', 'author = "Test Testsson"', extra]
    for model, grid in FAST_GRIDS.items():
        lines.append(f"[grids.{model}]")
        lines += [f"{k} = {json.dumps(v).replace('true', 'true')}" for k, v in grid.items()]
    path = tmp_path / "fast.toml"
    path.write_text("\n".join(lines).replace("True", "true").replace("False", "false") + "\n")
    return str(path)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("build")
    out = tmp / "out"
    code = main(
        [
            "build",
            "--config",
            fast_toml(tmp),
            "--dataset",
            "sample",
            "--limit",
            "500",
            "--out",
            str(out),
            "--no-render",
        ]
    )
    assert code == 0
    return out


def test_build_writes_results_with_all_models(built):
    results = json.loads((built / "results.json").read_text())
    assert results["dataset"]["source"] == "sample"
    assert results["dataset"]["n_samples"] == 500
    assert results["data"]["split_sizes"] == {"train": 400, "validation": 50, "test": 50}
    assert set(results["models"]) == set(MODELS)
    for m in results["models"].values():
        for phase in ("default", "tuned"):
            assert isinstance(m[phase]["test"][m["metric"]], float)
    assert results["config"]["report"]["author"] == "Test Testsson"
    assert results["environment"]["scikit-learn"]


def test_run_json_holds_the_timings(built):
    run = json.loads((built / "run.json").read_text())
    assert set(run["fit_seconds"]) == set(MODELS)
    assert run["wall_seconds"] > 0
    assert "fit_seconds" not in (built / "results.json").read_text()


def test_figures_are_written(built):
    assert len(list((built / "figures").glob("*.svg"))) == 7


def test_bad_config_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[report]\ndate = "2026-01-01"\n[grids.lasso]\nalpha = [-1]\n[data]\nsed = 3\n')
    code = main(["build", "--config", str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("reportgen: error: invalid config (2 problems)")
    assert not (tmp_path / "o").exists()  # caught before any work


def test_missing_data_dir_is_exit_2(tmp_path, capsys):
    code = main(
        [
            "build",
            "--config",
            fast_toml(tmp_path),
            "--dataset",
            f"idx:{tmp_path / 'nope'}",
            "--out",
            str(tmp_path / "o"),
        ]
    )
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "--help"], capture_output=True, text=True, check=True
    )
    assert "build" in proc.stdout and "render" in proc.stdout


def test_render_and_diff_never_import_scikit_learn_or_matplotlib(built, tmp_path):
    """Rendering a stored run draws nothing and fits nothing: 1.2 s of imports it never needs."""
    check = (
        "import sys; from reportgen.cli import main; "
        f"main(['render', {str(built)!r}]); "
        f"main(['diff', {str(built)!r}, {str(built)!r}, '--output', {str(tmp_path / 'd.txt')!r}]); "
        "print(sorted(m for m in sys.modules if m.startswith(('sklearn', 'matplotlib'))))"
    )
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_version_and_help_for_users(capsys):
    from reportgen import __version__

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"reportgen {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "course report" in text and "one library call" not in text
    for command in ("init", "build", "render", "diff", "schema", "cache"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example" in capsys.readouterr().out, command


def test_build_in_a_folder_without_config_says_which_defaults(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", "--dataset", "sample", "--limit", "300", "--no-render"]) == 0
    out = capsys.readouterr().out
    assert "config: no ./report.toml, so the built-in defaults" in out
    assert "date: none set, so the report is undated" in out
    results = json.loads((tmp_path / "output" / "results.json").read_text())
    assert results["report_date"] == ""


def test_each_command_offers_every_format_of_its_library():
    """The parser names the formats without importing the library (`--help` stays light)."""
    from reportgen.commands import diff, verify
    from reportgen.compare.formats import FORMATS as DIFF_FORMATS
    from reportgen.verify.formats import FORMATS as VERIFY_FORMATS

    assert list(diff.FORMATS) == list(DIFF_FORMATS)
    assert list(verify.FORMATS) == list(VERIFY_FORMATS)
