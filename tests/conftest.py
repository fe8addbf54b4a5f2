"""Shared fixtures: small real data, fast configs, frozen results, the full MNIST when present.

Test modules take what they share from here as fixtures; no test module imports another.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from reportgen.analysis.data import load_sample, stratified_subset
from reportgen.config import Config
from reportgen.results import Results

from .helpers import (
    BUILD_ARGS,
    FAST_GRIDS,
    FIXTURE,
    ROOT,
    SHARED_MNIST,
    mnist_dir,
)
from .helpers import (
    as_halving as _as_halving,
)
from .helpers import (
    make_mnist_dir as _make_mnist_dir,
)
from .helpers import (
    write_fast_toml as _write_fast_toml,
)
from .helpers import (
    write_idx as _write_idx,
)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never read or write the user's cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("REPORTGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository's root folder."""
    return ROOT


@pytest.fixture(scope="session")
def fast_grids() -> dict:
    """Tiny grids: every model still searches two candidates."""
    return FAST_GRIDS


@pytest.fixture(scope="session")
def build_args() -> list[str]:
    """Flags for a fast build on 300 digits of the sample."""
    return list(BUILD_ARGS)


@pytest.fixture(scope="session")
def write_fast_toml():
    """write_fast_toml(path, report=None, grids=None) -> path of a fast config file."""
    return _write_fast_toml


@pytest.fixture(scope="session")
def write_idx():
    """write_idx(path, array, compress=True, magic=None): one IDX file."""
    return _write_idx


@pytest.fixture(scope="session")
def make_mnist_dir():
    """make_mnist_dir(folder, n_train=20, n_test=10, compress=True, side=28): four IDX files."""
    return _make_mnist_dir


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


@pytest.fixture
def results_data() -> dict:
    """The frozen sample run's results.json as a fresh dict, free to edit."""
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def results(results_data) -> Results:
    """The frozen sample run's results, validated."""
    return Results.model_validate(results_data)


@pytest.fixture(scope="session")
def fixture_path() -> Path:
    """tests/fixtures/results_small.json: the sample run (5,000 digits, report.toml's config)."""
    return FIXTURE


@pytest.fixture(scope="session")
def previous_build(tmp_path_factory) -> tuple[Path, str]:
    """(OUT, config): one complete fast build, report included, that later builds must keep.

    Built once per session; it leaves the session's cache warm for the same config.
    """
    from reportgen.cli import main

    tmp = tmp_path_factory.mktemp("previous")
    config = _write_fast_toml(tmp / "fast.toml")
    out = tmp / "out"
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(out)]) == 0
    assert (out / "report.pdf").is_file()
    return out, config


@pytest.fixture(scope="session")
def as_halving():
    """as_halving(results_dict): the fixture's MLP as if searched by successive halving."""
    return _as_halving
