"""Logistic regression candidates that differ only in max_iter share one L-BFGS run
(analysis/search/sharing/lbfgs_path.py): each is the very model a plain fit with its
parameters gives."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from reportgen.analysis.fit import fit_model
from reportgen.analysis.search import run_search
from reportgen.analysis.search.base import fit_candidate
from reportgen.analysis.search.sharing import lbfgs_path
from reportgen.analysis.splits import split_and_scale
from reportgen.models import MODELS

LOGREG = MODELS["logreg"]

pytestmark = pytest.mark.skipif(
    not lbfgs_path.available(), reason="scikit-learn without fit callbacks (before 1.9)"
)


@pytest.fixture(scope="module")
def split(small):
    return split_and_scale(small, (0.8, 0.1, 0.1), seed=42)


def _quiet(*args, **kwargs):
    pass


def _warned(caught) -> list[tuple[str, str]]:
    return [(w.category.__name__, str(w.message)) for w in caught]


def _fitted_state(estimator) -> dict:
    """Everything a fitted estimator holds, as bytes per attribute (arrays bit for bit)."""
    return {k: pickle.dumps(v) for k, v in vars(estimator).items()}


def _assert_same_fit(shared, plain) -> None:
    value, _, caught, estimator = shared
    plain_value, _, plain_caught, plain_estimator = plain
    assert np.array_equal(estimator.coef_, plain_estimator.coef_)
    assert np.array_equal(estimator.intercept_, plain_estimator.intercept_)
    assert np.array_equal(estimator.n_iter_, plain_estimator.n_iter_)
    assert _fitted_state(estimator) == _fitted_state(plain_estimator)
    assert value == plain_value
    assert _warned(caught) == _warned(plain_caught)


@pytest.mark.parametrize(
    "fixed",
    [
        {"C": 1.0},  # every shorter run stops at its max_iter, with its warning
        {"C": 0.001},  # the run converges before the longest max_iter
        {"C": 1.0, "fit_intercept": False},
    ],
    ids=["stopped-by-max-iter", "converged-first", "no-intercept"],
)
def test_each_read_is_the_plain_fit_with_that_max_iter(split, fixed):
    group = [{**fixed, "max_iter": m} for m in (3, 10, 30, 2000)]
    args = (split.X["train"], split.y["train"], split.X["validation"], split.y["validation"])
    shared = lbfgs_path.fit_path(LOGREG, 42, group, *args)
    plain = [fit_candidate(LOGREG, 42, params, *args) for params in group]
    for s, p in zip(shared, plain, strict=True):
        _assert_same_fit(s, p)
    # what the cases are about: the longest run's own iterations
    n_iter = int(plain[-1][3].n_iter_[0])
    if fixed == {"C": 1.0}:
        assert 30 < n_iter < 2000, n_iter
    else:
        assert 10 < n_iter < 30, n_iter  # 30 and 2000 are the same model
        assert shared[2][3].n_iter_[0] == n_iter
    assert [w for w in _warned(plain[0][2]) if w[0] == "ConvergenceWarning"]


def test_a_two_class_problem_reads_the_same(split):
    keep = np.isin(split.y["train"], [3, 8])
    keep_val = np.isin(split.y["validation"], [3, 8])
    args = (
        split.X["train"][keep],
        split.y["train"][keep],
        split.X["validation"][keep_val],
        split.y["validation"][keep_val],
    )
    group = [{"C": 10.0, "max_iter": m} for m in (4, 500)]
    shared = lbfgs_path.fit_path(LOGREG, 42, group, *args)
    plain = [fit_candidate(LOGREG, 42, params, *args) for params in group]
    for s, p in zip(shared, plain, strict=True):
        _assert_same_fit(s, p)


def test_groups_are_the_candidates_that_differ_only_in_max_iter():
    points = [
        {"C": c, "max_iter": m, "solver": s}
        for c in (0.1, 1.0)
        for m in (300, 100)
        for s in ("lbfgs", "newton-cg")
    ]
    groups = lbfgs_path.path_groups(LOGREG, points, 42)
    as_params = sorted([[points[i] for i in g] for g in groups], key=str)
    assert [{"C": 0.1, "max_iter": 100, "solver": "lbfgs"}, {**points[0]}] in as_params
    assert len(groups) == 6  # two lbfgs pairs, four newton-cg candidates alone
    assert sorted(i for g in groups for i in g) == list(range(len(points)))
    # a model without the flag, or a warm start, is never grouped
    assert len(lbfgs_path.path_groups(MODELS["mlp"], [{"max_iter": 5}, {"max_iter": 9}], 42)) == 2
    warm = [{"C": 1.0, "max_iter": m, "warm_start": True} for m in (5, 9)]
    assert len(lbfgs_path.path_groups(LOGREG, warm, 42)) == 2


@pytest.mark.parametrize("cv", [0, 3])
def test_the_search_gives_what_one_fit_per_candidate_gives(split, fast_config, monkeypatch, cv):
    grid = {"C": [0.01, 1.0], "max_iter": [5, 30, 300]}
    tuning = dataclasses.replace(fast_config.tuning, cv=cv)
    cfg = dataclasses.replace(
        fast_config, tuning=tuning, grids={**fast_config.grids, "logreg": grid}
    )
    shared = run_search(LOGREG, grid, split, cfg, _quiet)
    monkeypatch.setattr(lbfgs_path, "available", lambda: False)
    plain = run_search(LOGREG, grid, split, cfg, _quiet)
    assert shared.best_params == plain.best_params
    assert list(shared.cv_results["mean_test_score"]) == list(plain.cv_results["mean_test_score"])
    assert list(shared.cv_results["rank_test_score"]) == list(plain.cv_results["rank_test_score"])
    assert _warned(shared.warnings_in_order()) == _warned(plain.warnings_in_order())
    for params in plain.cv_results["params"]:
        for a, b in zip(shared.fits_of(params), plain.fits_of(params), strict=True):
            assert _fitted_state(a.estimator) == _fitted_state(b.estimator)


@pytest.mark.slow
def test_the_models_record_and_the_default_are_unchanged(split, fast_config, monkeypatch):
    """fit_model's whole payload, the default taken from the search included, is the same."""
    # a tight tol, so that the default (C=1, max_iter=100) stops at max_iter on 480 digits
    spec = dataclasses.replace(
        LOGREG, factory=lambda seed: LOGREG.factory(seed).set_params(tol=1e-12)
    )
    grid = {"C": [0.1, 1.0], "max_iter": [100, 300]}
    cfg = dataclasses.replace(fast_config, grids={**fast_config.grids, "logreg": grid})
    shared, _ = fit_model(spec, cfg, split, _quiet)
    monkeypatch.setattr(lbfgs_path, "available", lambda: False)
    plain, _ = fit_model(spec, cfg, split, _quiet)
    assert shared.result == plain.result
    assert shared.warnings == plain.warnings
    assert shared.result.default_from_search is True
    assert [w for w in plain.warnings if w.phase == "default" and "100 iteration" in w.message]
