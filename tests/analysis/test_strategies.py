"""Every search strategy behind one interface: the same result shape, the same Search record,
and the default fit handed back the one way the fit reads it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reportgen.analysis.search import STRATEGIES, Fit, Outcome, run_search
from reportgen.analysis.search.registry import candidates
from reportgen.analysis.splits import as_float32, split_and_scale
from reportgen.config import Config
from reportgen.models import MODELS

MLP = MODELS["mlp"]
# four candidates (more than a race's finalists), the MLP's defaults among them
GRID = {"hidden_layer_sizes": [[8], [100]], "alpha": [1e-4, 1.0], "max_iter": [15]}
DEFAULT = {"alpha": 1e-4, "hidden_layer_sizes": (100,), "max_iter": 15}
COLUMNS = {"params", "mean_test_score", "rank_test_score", "round", "mean_fit_time"}


def _quiet(*args, **kwargs):
    pass


def _replace(obj, **changes):
    if hasattr(obj, "model_copy"):
        return obj.model_copy(update=changes)
    return dataclasses.replace(obj, **changes)


@pytest.fixture(scope="module")
def split(small):
    return as_float32(split_and_scale(small, (0.8, 0.1, 0.1), seed=42))


@pytest.fixture(scope="module")
def cfg():
    """The default config, on the validation split, searching GRID for the MLP."""
    base = Config()
    tuning = _replace(base.tuning, cv=0, halving=(), epoch_halving=())
    return _replace(base, tuning=tuning, grids={**base.grids, "mlp": GRID})


@pytest.fixture(scope="module")
def outcomes(split, cfg):
    points = candidates(GRID)
    return {
        name: (points, strategy.run(MLP, points, split, cfg, _quiet))
        for name, strategy in STRATEGIES.items()
    }


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_returns_one_row_per_candidate_and_real_fits(outcomes, name):
    points, outcome = outcomes[name]
    assert isinstance(outcome, Outcome)
    results = outcome.results()
    assert set(results) >= COLUMNS
    assert results["params"] == points
    for column in COLUMNS - {"params"}:
        assert len(results[column]) == len(points), column
        assert np.all(np.isfinite(results[column])), column
    assert results["rank_test_score"].dtype.kind == "i" and results["round"].dtype.kind == "i"
    assert min(results["rank_test_score"]) == 1
    assert outcome.fits and all(isinstance(f, Fit) for f in outcome.fits)
    for fit in outcome.fits:
        assert fit.params in points
        assert 0.0 < fit.score <= 1.0  # the scorer's accuracy, never a placeholder
        assert fit.seconds > 0.0
    # a finished model is among the fits: the best candidate needs no refit
    best = points[int(np.argmin(results["rank_test_score"]))]
    assert any(f.full and f.params == best for f in outcome.fits)
    assert bool(outcome.rounds) == (STRATEGIES[name].rounds is not None)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_every_strategy_gives_the_same_search_record(split, cfg, name):
    search = run_search(MLP, GRID, split, cfg, _quiet, STRATEGIES[name])
    assert search.kind == name
    ranks = search.cv_results["rank_test_score"]
    assert search.best_params == search.cv_results["params"][int(np.argmin(ranks))]
    assert search.best_score == search.cv_results["mean_test_score"][int(np.argmin(ranks))]
    assert search.kept(search.best_params) is not None
    assert len(search.warnings_in_order()) == sum(len(f.warnings) for f in search.fits)


def test_the_default_fit_is_handed_back_by_the_strategies_that_yield_it(split, cfg):
    grid, race, halving = (STRATEGIES[n] for n in ("grid", "epoch_halving", "halving"))
    assert grid.yields_default(MLP, cfg) and race.yields_default(MLP, cfg)
    assert not grid.yields_default(MLP, _replace(cfg, tuning=_replace(cfg.tuning, cv=3)))
    assert not halving.yields_default(MLP, cfg)
    points = candidates(GRID)
    assert DEFAULT in points
    for strategy in (grid, race):
        outcome = strategy.run(MLP, points, split, cfg, _quiet, DEFAULT)
        assert isinstance(outcome.default, Fit) and outcome.default.full
        assert outcome.default.params == DEFAULT
    queued = race.run(MLP, points, split, cfg, _quiet, lambda: "the default, fitted")
    assert race.queues_default and queued.default == "the default, fitted"
    with pytest.raises(ValueError):
        grid.run(MLP, points, split, cfg, _quiet, lambda: None)
    with pytest.raises(ValueError):
        halving.run(MLP, points, split, cfg, _quiet, DEFAULT)
