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
