"""Lasso and Elastic Net run coordinate descent on a Gram matrix (precompute=True); the search
computes X^T X once per training fold and hands it to every candidate (sharing.gram.gram_of)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reportgen.analysis.search import run_search
from reportgen.analysis.search.base import fit_candidate
from reportgen.analysis.search.sharing.gram import gram_of
from reportgen.analysis.splits import split_and_scale
from reportgen.models import MODELS


@pytest.fixture(scope="module")
def split(small):
    return split_and_scale(small, (0.8, 0.1, 0.1), seed=42)


def _quiet(*args, **kwargs):
    pass


@pytest.mark.parametrize("key", ["lasso", "elasticnet"])
def test_the_shared_gram_gives_what_each_candidate_would_compute(split, key):
    spec = MODELS[key]
    args = (split.X["train"], split.y["train"], split.X["validation"], split.y["validation"])
    gram = gram_of(split.X["train"])
    assert gram is not None and not gram.flags.writeable
    for alpha in (0.01, 0.1, 1.0):
        shared = fit_candidate(spec, 42, {"alpha": alpha}, *args, None, {"precompute": gram})
        own = fit_candidate(spec, 42, {"alpha": alpha}, *args)  # precompute=True: its own
        plain = spec.build(42, alpha=alpha, precompute=False).fit(*args[:2])
        assert shared[3].get_params() == own[3].get_params()  # precompute=True, no array kept
        assert shared[3].n_iter_ == own[3].n_iter_ == plain.n_iter_
        # the same model to the last digits (centring by ~1e-14 is all that differs)
        np.testing.assert_allclose(shared[3].coef_, own[3].coef_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(shared[3].coef_, plain.coef_, rtol=1e-9, atol=1e-12)
        assert shared[0] == pytest.approx(own[0], rel=1e-9)


def test_a_fold_that_is_not_centred_gets_no_shared_gram(split):
    assert gram_of(split.X["train"] + 1.0) is None  # scikit-learn would centre and recompute


@pytest.mark.parametrize("cv", [0, 3])
def test_the_search_picks_what_plain_coordinate_descent_picks(split, fast_config, cv):
    spec = MODELS["elasticnet"]
    plain_spec = dataclasses.replace(spec, sharing=(), fixed={})
    grid = {"alpha": [0.01, 0.1, 1.0], "l1_ratio": [0.2, 0.8]}
    cfg = dataclasses.replace(fast_config, tuning=dataclasses.replace(fast_config.tuning, cv=cv))
    gram = run_search(spec, grid, split, cfg, _quiet)
    plain = run_search(plain_spec, grid, split, cfg, _quiet)
    assert gram.best_params == plain.best_params
    np.testing.assert_allclose(
        gram.cv_results["mean_test_score"], plain.cv_results["mean_test_score"], rtol=1e-9
    )
    assert list(gram.cv_results["rank_test_score"]) == list(plain.cv_results["rank_test_score"])


def test_the_gram_is_reportgens_setting_not_a_plain_users():
    """The build fits Lasso and Elastic Net with precompute=True; the bench's reference (the
    seed's method, done plainly) uses scikit-learn's own default."""
    for key in ("lasso", "elasticnet"):
        assert MODELS[key].build(42).get_params()["precompute"] is True
        assert MODELS[key].plain(42).get_params()["precompute"] is False
        assert MODELS[key].build(42, precompute=False).get_params()["precompute"] is False
