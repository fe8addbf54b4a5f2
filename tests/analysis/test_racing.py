"""The MLP's race over epochs (tuning.epoch_halving) on small real data: a resumed candidate is
the plain fit, and the race keeps the full grid's winner, as that very model."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from reportgen.analysis.data import stratified_subset
from reportgen.analysis.fit import fit_model
from reportgen.analysis.search import run_search
from reportgen.analysis.search.epochs import Runner, can_resume
from reportgen.analysis.splits import as_float32, split_and_scale
from reportgen.models import MODELS

MLP = MODELS["mlp"]
GRID = {
    "hidden_layer_sizes": [[8], [32]],
    "activation": ["relu", "tanh"],
    "alpha": [1e-4, 1.0],
    "max_iter": [60],
}


@pytest.fixture(scope="module")
def split(small):
    return as_float32(split_and_scale(small, (0.8, 0.1, 0.1), seed=42))


@pytest.fixture(scope="module")
def split_2000(sample):
    """2,000 digits: enough that a candidate's rank after 5 epochs says something (on 600, with
    60 validation digits, the grid's winner, a slow starter, is out after 10 epochs)."""
    return as_float32(split_and_scale(stratified_subset(sample, 2000, seed=0), (0.8, 0.1, 0.1), 42))


def _quiet(*args, **kwargs):
    pass


def _racing(cfg, grid=GRID, **tuning):
    tuning = {"epoch_halving": ("mlp",), **tuning}
    return dataclasses.replace(
        cfg,
        tuning=dataclasses.replace(cfg.tuning, **tuning),
        grids={**cfg.grids, "mlp": grid},
    )


def _grid(cfg):
    return dataclasses.replace(cfg, tuning=dataclasses.replace(cfg.tuning, epoch_halving=()))


def _same_model(a, b) -> None:
    for wa, wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert a.loss_curve_ == b.loss_curve_
    assert (a.n_iter_, a.t_, a.best_loss_) == (b.n_iter_, b.t_, b.best_loss_)
    assert a.get_params() == b.get_params()


@pytest.mark.parametrize(
    "params",
    [
        {"hidden_layer_sizes": (16,), "max_iter": 12},  # ends at max_iter, with its warning
        {"hidden_layer_sizes": (16,), "max_iter": 300, "tol": 1e-2},  # ends by its own rule
        {"hidden_layer_sizes": (8, 8), "activation": "tanh", "alpha": 1.0, "max_iter": 40},
    ],
)
def test_a_candidate_trained_in_pieces_is_the_plain_fit(split, params):
    X, y = split.X["train"], split.y["train"]
    with warnings.catch_warnings(record=True) as plain_warnings:
        warnings.simplefilter("always")
        plain = MLP.build(42, **params).fit(X, y)
    runner = Runner.start(MLP.build(42, **params), params, 42)
    for to in (1, 3, 7, 10_000):  # stopped and resumed three times, then to its end
        runner.advance(X, y, np.unique(y), to)
    assert runner.stopped and runner.epochs == plain.n_iter_
    _same_model(runner.finish(), plain)
    names = sorted(type(w.message).__name__ for w in runner.warnings)
    assert names == sorted(type(w.message).__name__ for w in plain_warnings)


def test_only_stochastic_solvers_without_early_stopping_can_resume():
    assert can_resume(MLP.build(42))
    assert not can_resume(MLP.build(42, solver="lbfgs"))
    assert not can_resume(MLP.build(42, early_stopping=True))
    assert not can_resume(MODELS["logreg"].build(42))


@pytest.mark.slow  # two MLP grids of 8 on 2,000 digits
def test_the_race_keeps_the_full_grids_winner_as_that_very_model(split_2000, fast_config):
    grid_search = run_search(MLP, GRID, split_2000, _grid(fast_config), _quiet)
    race = run_search(MLP, GRID, split_2000, _racing(fast_config), _quiet)
    assert (grid_search.kind, race.kind) == ("grid", "epoch_halving")
    assert race.rounds == [
        {"candidates": 8, "epochs": 5},
        {"candidates": 4, "epochs": 10},
        {"candidates": 2, "epochs": None},
    ]
    assert race.best_params == grid_search.best_params
    assert race.best_score == grid_search.best_score
    _same_model(race.kept(race.best_params), grid_search.kept(grid_search.best_params))
    # the two finalists trained to their end: scores and epochs those of the full grid's fits
    finalists = [i for i, r in enumerate(race.cv_results["round"]) if r == 2]
    assert len(finalists) == 2
    for i in finalists:
        assert race.cv_results["mean_test_score"][i] == grid_search.cv_results["mean_test_score"][i]
        params = race.cv_results["params"][i]
        assert race.cv_results["epochs"][i] == grid_search.kept(params).n_iter_
    # the others stopped after 5 or 10 epochs and rank below both finalists
    others = [i for i in range(8) if i not in finalists]
    assert {int(race.cv_results["epochs"][i]) for i in others} <= {5, 10}
    assert min(race.cv_results["rank_test_score"][i] for i in others) > 2


def test_a_race_can_lose_a_slow_starter_and_keeps_the_best_finalist(split, fast_config):
    """The race's known limit, on 600 digits: the grid's winner was out after 10 epochs. The
    race still ends with a finished model, the better finalist, as the grid would have it."""
    grid_search = run_search(MLP, GRID, split, _grid(fast_config), _quiet)
    race = run_search(MLP, GRID, split, _racing(fast_config), _quiet)
    grid_scores, race_scores = (s.cv_results["mean_test_score"] for s in (grid_search, race))
    finalists = [i for i, r in enumerate(race.cv_results["round"]) if r == 2]
    assert grid_search.best_params not in [race.cv_results["params"][i] for i in finalists]
    best = max(finalists, key=lambda i: grid_scores[i])
    assert race.best_params == race.cv_results["params"][best]
    assert [race_scores[i] for i in finalists] == [grid_scores[i] for i in finalists]
    _same_model(race.kept(race.best_params), grid_search.kept(race.best_params))


def test_a_race_is_recorded_in_the_results(split, fast_config):
    payload, models = fit_model(MLP, _racing(fast_config), split, _quiet)
    tuned = payload.model_dump(exclude_none=True)["result"]["tuned"]
    assert tuned["search"] == "epoch_halving"
    assert tuned["rounds"] == [
        {"candidates": 8, "epochs": 5},
        {"candidates": 4, "epochs": 10},
        {"candidates": 2},
    ]
    assert sorted(c["epochs"] for c in tuned["candidates"])[:4] == [5, 5, 5, 5]
    assert payload.timing.refitted is False
    assert models["tuned"].n_iter_ == next(
        c["epochs"] for c in tuned["candidates"] if c["rank"] == 1
    )


def test_without_the_validation_split_the_full_grid_is_searched_and_said(split, fast_config):
    lines = []
    cfg = _racing(fast_config, cv=2)
    search = run_search(MLP, GRID, split, cfg, lambda m, transient=False: lines.append(m))
    assert search.kind == "grid" and len(search.fits) == 16
    assert any("epoch halving needs tuning.cv = 0" in line for line in lines)


def test_a_grid_of_two_is_searched_whole(split, fast_config):
    grid = {"hidden_layer_sizes": [[8], [16]], "max_iter": [20]}
    search = run_search(MLP, grid, split, _racing(fast_config, grid), _quiet)
    assert search.kind == "grid"


def test_in_a_race_the_default_is_fitted_in_the_final_round_as_on_its_own(split, fast_config):
    """The default fit is the race's last task, queued behind the finalists; it is the same
    fit, scores and warnings as one fitted alone."""
    lines: list[str] = []
    cfg = _racing(fast_config)
    payload, models = fit_model(MLP, cfg, split, lambda m, transient=False: lines.append(m))
    assert any("default  fitting in the race's final round" in line for line in lines)
    _assert_the_plain_default(payload, models, split, cfg.data.seed)


def _assert_the_plain_default(payload, models, split, seed) -> None:
    """The build's default MLP is a default fitted on its own: scores, weights, warnings."""
    from reportgen.analysis.fit import fit_default
    from reportgen.analysis.warning_log import WarningLog

    log = WarningLog()
    alone, _, model = fit_default(MLP, split, seed, log)
    assert payload.result.default == type(payload.result.default).model_validate(alone)
    _same_model(models["default"], model)
    defaults = [w.model_dump() for w in payload.warnings if w.phase == "default"]
    assert defaults == log.entries


@pytest.mark.parametrize(
    "rival, finalist",
    [
        ({"activation": ["relu", "logistic"], "alpha": [1e-4, 3.0]}, True),
        ({"hidden_layer_sizes": [[100], [64]], "learning_rate_init": [0.001, 0.01]}, False),
    ],
    ids=["the default is a finalist", "the default is knocked out"],
)
def test_a_default_in_the_grid_is_its_candidate_trained_on_to_its_end(
    split, fast_config, rival, finalist
):
    """The grid holds the MLP's defaults ((100,), relu, alpha 1e-4, max_iter 200): the race
    trains that candidate on to its own stop, a copy if it was knocked out, and it is the plain
    default fit: scores, weights and warnings. The race's record of it is left as it was."""
    grid = {"hidden_layer_sizes": [[4], [100]], "max_iter": [200], **rival}
    lines: list[str] = []
    cfg = _racing(fast_config, grid)
    payload, models = fit_model(MLP, cfg, split, lambda m, transient=False: lines.append(m))
    assert any("its candidate goes on to its end in the race" in line for line in lines)
    assert payload.result.default_from_search is True
    _assert_the_plain_default(payload, models, split, cfg.data.seed)
    tuned = payload.result.tuned
    rounds = len(tuned.rounds)
    default_params = MLP.build(42).get_params()
    default_cand = next(
        c
        for c in tuned.candidates
        if all(
            default_params[p] == (tuple(v) if isinstance(v, list) else v)
            for p, v in c.params.items()
        )
    )
    assert (default_cand.round == rounds) == finalist
    if not finalist:  # its record is that of the round it left, not of the finished fit
        assert default_cand.epochs < models["default"].n_iter_
