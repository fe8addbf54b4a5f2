"""Noise is not a difference: runs whose scores differ by 1e-12 (another BLAS kernel's last
digits) are equal in diff and compare; no star among equals, no axis drawn from 6.29 to 6.29."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.compare.noise import all_close, close


def _runs(fixture_path: Path, folder: Path, moved: dict[int, float]) -> list[Path]:
    """Four copies of the frozen fast build; run k's regressors' scores times (1 + k * 1e-12),
    and the MLP's tuned test accuracy of run i moved by moved[i]."""
    data = json.loads((fixture_path.parent / "results_fast.json").read_text(encoding="utf-8"))
    paths = []
    for k in range(4):
        run = json.loads(json.dumps(data))
        for model in run["models"].values():
            for phase in ("default", "tuned"):
                for split in ("validation", "test"):
                    scores = model[phase][split]
                    if "rmse" in scores:
                        scores["rmse"] *= 1 + k * 1e-12
        run["models"]["mlp"]["tuned"]["test"]["accuracy"] += moved.get(k, 0.0)
        path = folder / f"run-{k}"
        path.mkdir()
        (path / "results.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_noise_is_close_and_a_visible_change_is_not():
    assert close(6.294524064213224, 6.294524064213224 * (1 + 3e-12))
    assert not close(6.2945, 6.2945 * (1 + 1e-6))
    assert all_close([1.0, 1.0 + 1e-13, None]) and not all_close([1.0, 1.001])
    assert not all_close(["a", "a"]) and not all_close([])


def test_diff_of_runs_that_differ_by_noise_finds_nothing(fixture_path, tmp_path, capsys):
    a, b, *_ = _runs(fixture_path, tmp_path, {})
    a_text = json.loads((a / "results.json").read_text())
    b_text = json.loads((b / "results.json").read_text())
    assert (
        a_text["models"]["linear"]["tuned"]["test"]["rmse"]
        != (b_text["models"]["linear"]["tuned"]["test"]["rmse"])
    )
    code = main(["diff", str(a), str(b), "--format", "json", "--fail-on", "any"])
    diff = json.loads(capsys.readouterr().out)
    assert diff["metrics"] == [] and code == 0


def test_compare_stars_no_equal_looking_cell_and_draws_a_flat_panel_flat(
    fixture_path, tmp_path, capsys
):
    paths = _runs(fixture_path, tmp_path, {2: 0.01})
    code = main(["compare", *map(str, paths), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert "linear.tuned.rmse" not in data["columns"]  # equal but for noise: not a difference
    assert "mlp.tuned.accuracy" in data["columns"]  # a real difference still is
    assert data["best"] == {
        "mlp.tuned.accuracy": max(r["mlp.tuned.accuracy"] for r in data["rows"])
    }
    main(["compare", *map(str, paths), "--format", "json", "--all"])
    every = json.loads(capsys.readouterr().out)
    assert "linear.tuned.rmse" in every["columns"] and "linear.tuned.rmse" not in every["best"]
    page = tmp_path / "compare.html"
    assert main(["compare", *map(str, paths), "--all", "--output", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    stars = re.findall(r"<td[^>]*>[^<]*★", html)
    assert len(stars) == 1  # the one real best: run-2's MLP
    panel = re.search(r"<svg class='panel'[^>]*aria-labelledby='p0t p0d'>.*?</svg>", html, re.S)
    assert panel and "LinearRegression" in panel.group(0)
    labels = re.findall(r"text-anchor='end'>([0-9.,]+)</text>", panel.group(0))
    assert len(set(labels)) == 2, labels  # an axis, not 6.29 to 6.29
    ys = {
        float(y)
        for y in re.findall(r"<circle class='tuned' cx='[^']+' cy='([^']+)'", panel.group(0))
    }
    assert len(ys) == 1 and 40 < ys.pop() < 90  # every dot at one height, mid-panel


@pytest.mark.parametrize("factor", [1 + 1e-6])
def test_a_visible_change_is_still_a_difference(fixture_path, tmp_path, capsys, factor):
    a, b, *_ = _runs(fixture_path, tmp_path, {})
    data = json.loads((b / "results.json").read_text())
    data["models"]["ridge"]["tuned"]["test"]["rmse"] *= factor
    (b / "results.json").write_text(json.dumps(data, indent=2) + "\n")
    main(["diff", str(a), str(b), "--format", "json"])
    diff = json.loads(capsys.readouterr().out)
    assert [(m["model"], m["phase"], m["split"]) for m in diff["metrics"]] == [
        ("ridge", "tuned", "test")
    ]
