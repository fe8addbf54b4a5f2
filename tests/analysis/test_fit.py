"""Fitting on small real data: every registered model's metrics, defaults, warnings, halving."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reportgen.analysis.fit import fit_default, fit_model, tuned_result
from reportgen.analysis.search import run_search
from reportgen.analysis.splits import as_float32, split_and_scale
from reportgen.analysis.warning_log import WarningLog
from reportgen.models import CLASSIFICATION, MODELS


@pytest.fixture(scope="module")
def split(small):
    return split_and_scale(small, (0.8, 0.1, 0.1), seed=42)


def fit_tuned(spec, grid, data, cfg, log, progress):
    """The search over `grid`, then the best parameters' model scored: (result, timing)."""
    return tuned_result(spec, run_search(spec, grid, data, cfg, progress), data, log)[:2]


def payload_of(spec, cfg, data, progress=lambda *a, **k: None) -> dict:
    """fit_model's payload as plain data."""
    return fit_model(spec, cfg, data, progress)[0].model_dump(exclude_none=True)


@pytest.mark.parametrize("key", list(MODELS))
def test_every_model_gives_its_metrics(key, split, fast_config, fast_grids):
    spec = MODELS[key]
    log = WarningLog()
    default, seconds, _ = fit_default(spec, split, 42, log)
    assert seconds >= 0
    lines = []
    tuned, timing = fit_tuned(
        spec, fast_grids[key], split, fast_config, log, lambda m, transient=False: lines.append(m)
    )
    n_candidates = int(np.prod([len(v) for v in fast_grids[key].values()]))
    assert len(tuned["candidates"]) == n_candidates == len(timing["candidate_fit_seconds"])
    assert len(lines) == n_candidates  # one progress line per candidate fit
    assert set(tuned["best_params"]) == set(fast_grids[key])
    for result in (default, tuned):
        for part in ("validation", "test"):
            value = result[part][spec.metric]
            assert np.isfinite(value)
            if spec.family == CLASSIFICATION:
                assert 0.3 < value <= 1.0  # far above chance (0.1) on real digits
            else:
                assert 0 <= result[part]["rounded_accuracy"] <= 1
        if spec.family == CLASSIFICATION:
            cm = np.asarray(result["confusion_matrix"])
            assert cm.shape == (10, 10) and cm.sum() == 60
            assert np.trace(cm) / 60 == pytest.approx(result["test"]["accuracy"])
            assert len(result["per_class"]["f1"]) == 10
    best = min(tuned["candidates"], key=lambda c: c["rank"])
    assert best["params"] == tuned["best_params"]


def test_kfold_tuning(split, fast_config):

    cfg = dataclasses.replace(fast_config, tuning=dataclasses.replace(fast_config.tuning, cv=3))
    tuned, _ = fit_tuned(
        MODELS["ridge"], {"alpha": [1.0, 10.0]}, split, cfg, WarningLog(), lambda *a, **k: None
    )
    assert tuned["scheme"] == "3-fold"


def test_warnings_are_recorded_with_their_model(split):
    log = WarningLog()
    spec = MODELS["logreg"]

    tiny = dataclasses.replace(spec, factory=lambda seed: spec.factory(seed).set_params(max_iter=2))
    fit_default(tiny, split, 42, log)
    assert log.entries and log.entries[0]["model"] == "logreg"
    assert log.entries[0]["category"] == "ConvergenceWarning"


@pytest.mark.parametrize("key", ["ridge", "mlp"])
def test_kept_best_candidate_equals_a_fresh_fit_on_train(key, split, fast_config, fast_grids):

    from reportgen.analysis.scoring import score

    spec = MODELS[key]
    grid_search = dataclasses.replace(fast_config.tuning, halving=())
    cfg = dataclasses.replace(fast_config, tuning=grid_search)
    tuned, timing = fit_tuned(spec, fast_grids[key], split, cfg, WarningLog(), _quiet)
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in tuned["best_params"].items()}
    fresh = spec.build(42, **params).fit(split.X["train"], split.y["train"])
    # equal up to the last bits: the search ran with one BLAS thread per candidate
    assert score(spec, fresh, split)["test"] == pytest.approx(tuned["test"], rel=1e-9)
    assert timing["refitted"] is False


def test_parallel_search_gives_the_serial_results(split, fast_config, fast_grids):

    spec = MODELS["mlp"]
    results = []
    for n_jobs in (1, 2):
        tuning = dataclasses.replace(fast_config.tuning, n_jobs=n_jobs)
        cfg = dataclasses.replace(fast_config, tuning=tuning)
        tuned, timing = fit_tuned(
            spec, fast_grids["mlp"], split, cfg, WarningLog(), lambda *a, **k: None
        )
        assert timing["refitted"] is False  # the best candidate was kept from its thread
        results.append(tuned)
    assert results[0] == results[1]


def test_mlp_searches_and_fits_its_default_on_float32(split, fast_config, monkeypatch):
    import reportgen.analysis.fit as experiment

    seen = []
    real_search, real_default = experiment.run_search, experiment.fit_default

    def spy_search(spec, grid, data, *args, **kwargs):
        seen.append(("search", data.X["train"].dtype))
        return real_search(spec, grid, data, *args, **kwargs)

    def spy_default(spec, data, *args, **kwargs):
        seen.append(("default", data.X["train"].dtype))
        return real_default(spec, data, *args, **kwargs)

    monkeypatch.setattr(experiment, "run_search", spy_search)
    monkeypatch.setattr(experiment, "fit_default", spy_default)
    payload, _ = experiment.fit_model(MODELS["mlp"], fast_config, split, lambda *a, **k: None)
    payload = payload.model_dump(exclude_none=True)
    # the grid lacks the default parameters: the default is fitted on its own, on float32 too
    assert seen == [("default", np.float32), ("search", np.float32)]
    assert payload["result"]["float32"] is True
    assert payload["result"]["default_float32"] is True
    assert payload["result"]["default_from_search"] is False
    assert split.X["train"].dtype == np.float64  # the caller's data is untouched


def _with_grid(cfg, key, grid, cv=0):

    tuning = dataclasses.replace(cfg.tuning, cv=cv, n_jobs=2)
    return dataclasses.replace(cfg, grids={**cfg.grids, key: grid}, tuning=tuning)


def test_default_model_is_taken_from_the_search_when_the_grid_holds_it(split, fast_config):

    spec = MODELS["logreg"]
    cfg = _with_grid(fast_config, "logreg", {"C": [0.1, 1.0], "max_iter": [100]})
    lines = []
    payload = payload_of(spec, cfg, split, lambda m, transient=False: lines.append(m))
    assert payload["result"]["default_from_search"] is True
    assert any("a candidate of the search" in line for line in lines)
    own, _, _ = fit_default(spec, split, 42, WarningLog())
    assert payload["result"]["default"] == own  # the same fit: train split, seed, params
    # the default's validation score is the search's score of that candidate
    cands = payload["result"]["tuned"]["candidates"]
    default_cand = next(c for c in cands if c["params"] == {"C": 1.0, "max_iter": 100})
    assert default_cand["score"] == payload["result"]["default"]["validation"]["accuracy"]


@pytest.mark.parametrize(
    "grid, cv",
    [({"C": [0.1, 1.0], "max_iter": [100]}, 3), ({"C": [0.1, 0.5], "max_iter": [100]}, 0)],
    ids=["k-fold: candidates saw less data", "grid lacks the default"],
)
def test_default_model_is_fitted_on_its_own_otherwise(split, fast_config, grid, cv):

    payload = payload_of(
        MODELS["logreg"], _with_grid(fast_config, "logreg", grid, cv), split, lambda *a, **k: None
    )
    assert payload["result"]["default_from_search"] is False
    own, _, _ = fit_default(MODELS["logreg"], split, 42, WarningLog())
    assert payload["result"]["default"] == own


@pytest.mark.parametrize("default_iter, other_iter", [(2, 2000), (2000, 2)])
def test_a_candidates_warnings_go_to_its_own_phase(split, fast_config, default_iter, other_iter):
    """Threads fit candidates at once; the default candidate's warnings are still its own."""

    base = MODELS["logreg"]
    spec = dataclasses.replace(
        base, factory=lambda seed: base.factory(seed).set_params(max_iter=default_iter)
    )
    cfg = _with_grid(fast_config, "logreg", {"max_iter": [default_iter, other_iter]})
    payload = payload_of(spec, cfg, split, lambda *a, **k: None)
    assert payload["result"]["default_from_search"] is True
    phases = {(w["phase"], w["category"]) for w in payload["warnings"]}
    assert ("tuned", "ConvergenceWarning") in phases  # one candidate stopped at 2 iterations
    assert (("default", "ConvergenceWarning") in phases) == (default_iter == 2)


def test_slowest_first_scheduling_changes_no_result(split, fast_config):
    """Candidates start slowest first; candidates, ranks and the winner keep the grid order."""

    base = MODELS["ridge"]
    cfg = _with_grid(fast_config, "ridge", {"alpha": [1.0, 10.0, 100.0, 1000.0]})
    cfg = dataclasses.replace(cfg, tuning=dataclasses.replace(cfg.tuning, n_jobs=1))
    outcomes = []
    for cost in (lambda p: (), lambda p: (p["alpha"],)):
        spec = dataclasses.replace(base, cost=cost)
        search = run_search(spec, cfg.grids["ridge"], split, cfg, lambda *a, **k: None)
        ran = [f.estimator.alpha for f in search.fits]
        outcomes.append(
            (ran, fit_tuned(spec, cfg.grids["ridge"], split, cfg, WarningLog(), _quiet))
        )
    (ran_plain, plain), (ran_sorted, sorted_) = outcomes
    assert ran_plain == [1.0, 10.0, 100.0, 1000.0] and ran_sorted == [1000.0, 100.0, 10.0, 1.0]
    assert plain[0] == sorted_[0]  # same candidates, scores, ranks, best and test scores


def test_ties_go_to_the_first_candidate_in_grid_order(split, fast_config):
    """Two identical candidates tie; the grid's first wins, whatever order they ran in."""

    spec = dataclasses.replace(MODELS["linear"], cost=lambda p: (not p["copy_X"],))
    cfg = _with_grid(fast_config, "linear", {"copy_X": [True, False]})
    search = run_search(spec, cfg.grids["linear"], split, cfg, lambda *a, **k: None)
    assert [f.estimator.copy_X for f in search.fits] == [False, True]  # ran False first
    assert list(search.cv_results["rank_test_score"]) == [1, 1]
    assert search.best_params == {"copy_X": True}


def _quiet(*args, **kwargs):
    pass


def _halving(cfg, keys=("mlp",)):

    return dataclasses.replace(cfg, tuning=dataclasses.replace(cfg.tuning, halving=keys))


def test_halving_rounds_follow_scikit_learn():
    from reportgen.analysis.search.halving import halving_rounds

    assert halving_rounds(1) == [1]
    assert halving_rounds(2) == [2]
    assert halving_rounds(3) == [3, 1]
    assert halving_rounds(8) == [8, 3]
    assert halving_rounds(9) == [9, 3, 1]
    assert halving_rounds(12) == [12, 4, 2]


def test_successive_halving_keeps_a_model_trained_on_the_whole_train_split(split, fast_config):
    """Nine candidates: rounds on 1/9, 1/3 and all of the data; the winner is not refitted."""

    grid = {"hidden_layer_sizes": [[8], [16], [32]], "alpha": [1e-4, 1e-2, 1.0], "max_iter": [20]}
    cfg = _halving(_with_grid(fast_config, "mlp", grid))
    search = run_search(MODELS["mlp"], grid, split, cfg, _quiet)
    assert [r["candidates"] for r in search.rounds] == [9, 3, 1]
    assert [round(r["share"], 3) for r in search.rounds] == [0.111, 0.333, 1.0]
    assert len(search.fits) == 13
    assert list(search.cv_results["round"]).count(2) == 1  # one candidate reached the last round
    best = search.cv_results["params"][int(search.cv_results["round"].argmax())]
    assert search.best_params == best
    kept = search.kept(best)
    assert kept.t_ == kept.n_iter_ * len(split.y["train"])  # every epoch saw all 480 train rows
    payload = payload_of(MODELS["mlp"], cfg, split, _quiet)
    tuned = payload["result"]["tuned"]
    assert tuned["search"] == "halving" and payload["timing"]["refitted"] is False
    assert payload["result"]["default_from_search"] is False  # the default is fitted on its own
    ranks = sorted((c["round"], c["rank"]) for c in tuned["candidates"])
    assert ranks[-1] == (3, 1)  # the last round's candidate ranks first
    assert all(rank > 1 for rnd, rank in ranks if rnd < 3)


def test_grid_search_is_used_for_models_not_listed_for_halving(split, fast_config):

    payload = payload_of(MODELS["ridge"], _halving(fast_config), split, _quiet)
    tuned = payload["result"]["tuned"]
    assert tuned["search"] == "grid" and "rounds" not in tuned
    assert all("round" not in c for c in tuned["candidates"])


def test_a_float32_search_gives_the_float32_default(split, fast_config):

    grid = {"hidden_layer_sizes": [[100]], "max_iter": [200]}  # holds the MLP's defaults
    cfg = _halving(_with_grid(fast_config, "mlp", grid), keys=())
    payload = payload_of(MODELS["mlp"], cfg, split, _quiet)
    assert payload["result"]["default_from_search"] is True
    own, _, _ = fit_default(MODELS["mlp"], as_float32(split), 42, WarningLog())
    assert payload["result"]["default"] == own
