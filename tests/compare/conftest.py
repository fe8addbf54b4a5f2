"""Runs to compare: two real fast builds whose MLPs differ, and many runs made from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.results import read_results

from ..helpers import BUILD_ARGS, vary_run, write_fast_toml

OTHER_MLP = {"hidden_layer_sizes": [[32]], "alpha": [0.0001, 0.01], "max_iter": [30]}


@pytest.fixture(scope="session")
def real_runs(tmp_path_factory) -> tuple[Path, Path]:
    """Two real fast builds of the same 300 digits whose MLPs differ (16 then 32 hidden units):
    the run folders A and B."""
    tmp = tmp_path_factory.mktemp("real")
    out = tmp / "out"
    for name, grids in (("a.toml", None), ("b.toml", {"mlp": OTHER_MLP})):
        config = write_fast_toml(tmp / name, grids=grids)
        argv = ["build", "--config", config, *BUILD_ARGS, "--no-render", "--out", str(out)]
        assert main(argv) == 0
    a, b = sorted((out / "runs").iterdir())
    return a, b


@pytest.fixture(scope="session")
def many_runs(real_runs, tmp_path_factory) -> Path:
    """A folder of 12 runs made from the two real ones: seeds 1..12, classifiers' matrices and
    accuracies moved, regressors' RMSE scaled, through the results model."""
    folder = tmp_path_factory.mktemp("many")
    for i in range(12):
        real = read_results(real_runs[i % 2])
        run = folder / f"run-{i:02d}"
        run.mkdir()
        varied = vary_run(real, seed=i + 1, moved=i % 4, rmse_factor=1 + i / 100)
        (run / "results.json").write_text(varied.to_json(), encoding="utf-8")
    return folder
