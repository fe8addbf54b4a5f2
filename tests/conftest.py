"""Shared fixtures: small real data, fast configs, the full MNIST folder when present."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.data import load_sample, stratified_subset

ROOT = Path(__file__).resolve().parent.parent
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"

# Tiny grids: every model still searches two candidates, in seconds.
FAST_GRIDS = {
    "linear": {"fit_intercept": [True, False]},
    "lasso": {"alpha": [0.1, 1.0]},
    "ridge": {"alpha": [1.0, 100.0]},
    "elasticnet": {"alpha": [0.1], "l1_ratio": [0.2, 0.8]},
    "logreg": {"C": [0.1, 1.0], "max_iter": [50]},
    "mlp": {"hidden_layer_sizes": [[16]], "alpha": [0.0001, 0.01], "max_iter": [30]},
}


def mnist_dir() -> Path | None:
    """The full MNIST IDX folder: MNIST_DIR, else ../shared/data/mnist, else None."""
    folder = Path(os.environ.get("MNIST_DIR", SHARED_MNIST))
    return folder if (folder / "train-labels-idx1-ubyte.gz").exists() else None


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never read or write the user's cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("REPORTGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def sample():
    """The embedded 5,000-digit sample."""
    return load_sample()


@pytest.fixture(scope="session")
def small(sample):
    """A stratified 600-digit subset of the sample: real digits, fast fits."""
    return stratified_subset(sample, 600, seed=0)


@pytest.fixture
def fast_config() -> Config:
    """The default config with tiny grids and a fixed date."""
    cfg = Config(grids={k: dict(v) for k, v in FAST_GRIDS.items()})
    return dataclasses.replace(cfg, report=dataclasses.replace(cfg.report, date="2026-01-15"))


@pytest.fixture
def full_mnist() -> Path:
    """The full MNIST folder, or a skip saying where it was looked for."""
    folder = mnist_dir()
    if folder is None:
        pytest.skip(f"full MNIST not found in MNIST_DIR or {SHARED_MNIST}")
    return folder


def write_fast_toml(path: Path, report: dict | None = None, grids: dict | None = None) -> str:
    """A config file with FAST_GRIDS (each model's grid replaceable by `grids`) and a fixed date."""
    import json

    fields = {"date": "2026-01-15", "author": "Test Testsson", **(report or {})}
    lines = ["[report]", *(f"{k} = {json.dumps(v)}" for k, v in fields.items())]
    for model, grid in {**FAST_GRIDS, **(grids or {})}.items():
        lines.append(f"[grids.{model}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in grid.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


BUILD_ARGS = ["--dataset", "sample", "--limit", "300"]


@pytest.fixture(scope="session")
def previous_build(tmp_path_factory) -> tuple[Path, str]:
    """(OUT, config): one complete fast build, report included, that later builds must keep.

    Built once per session; it leaves the session's cache warm for the same config.
    """
    from reportgen.cli import main

    tmp = tmp_path_factory.mktemp("previous")
    config = write_fast_toml(tmp / "fast.toml")
    out = tmp / "out"
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(out)]) == 0
    assert (out / "report.pdf").is_file()
    return out, config
