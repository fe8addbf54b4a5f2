"""The analysis on small real data: splits, every registered model's metrics, facts."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.experiment import WarningLog, fit_default, fit_tuned, split_and_scale
from reportgen.models import CLASSIFICATION, MODELS

from .conftest import FAST_GRIDS


@pytest.fixture(scope="module")
def split(small):
    return split_and_scale(small, (0.8, 0.1, 0.1), seed=42)


def test_split_sizes_and_stratification(small, split):
    sizes = {k: len(v) for k, v in split.idx.items()}
    assert sizes == {"train": 480, "validation": 60, "test": 60}
    all_rows = np.concatenate(list(split.idx.values()))
    assert len(np.unique(all_rows)) == 600  # disjoint, complete
    for k, rows in split.idx.items():
        assert np.bincount(small.y[rows], minlength=10).tolist() == [sizes[k] // 10] * 10


def test_split_is_seeded(small, split):
    again = split_and_scale(small, (0.8, 0.1, 0.1), seed=42)
    other = split_and_scale(small, (0.8, 0.1, 0.1), seed=43)
    assert np.array_equal(again.idx["test"], split.idx["test"])
    assert not np.array_equal(other.idx["test"], split.idx["test"])


def test_scaler_is_fitted_on_train_only(small, split):
    train = small.X[split.idx["train"]].astype(float)
    np.testing.assert_allclose(split.scaler.mean_, train.mean(axis=0))
    np.testing.assert_allclose(split.X["train"].mean(axis=0)[split.scaler.var_ > 0], 0, atol=1e-9)


@pytest.mark.parametrize("key", list(MODELS))
def test_every_model_gives_its_metrics(key, split, fast_config):
    spec = MODELS[key]
    log = WarningLog()
    default, seconds = fit_default(spec, split, 42, log)
    assert seconds >= 0
    lines = []
    tuned, timing = fit_tuned(
        spec, FAST_GRIDS[key], split, fast_config, log, lambda m, transient=False: lines.append(m)
    )
    n_candidates = int(np.prod([len(v) for v in FAST_GRIDS[key].values()]))
    assert len(tuned["candidates"]) == n_candidates == len(timing["candidate_fit_seconds"])
    assert len(lines) == n_candidates  # one progress line per candidate fit
    assert set(tuned["best_params"]) == set(FAST_GRIDS[key])
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
    import dataclasses

    cfg = dataclasses.replace(fast_config, tuning=dataclasses.replace(fast_config.tuning, cv=3))
    tuned, _ = fit_tuned(
        MODELS["ridge"], {"alpha": [1.0, 10.0]}, split, cfg, WarningLog(), lambda *a, **k: None
    )
    assert tuned["scheme"] == "3-fold"


def test_warnings_are_recorded_with_their_model(split):
    log = WarningLog()
    spec = MODELS["logreg"]
    import dataclasses

    tiny = dataclasses.replace(spec, factory=lambda seed: spec.factory(seed).set_params(max_iter=2))
    fit_default(tiny, split, 42, log)
    assert log.entries and log.entries[0]["model"] == "logreg"
    assert log.entries[0]["category"] == "ConvergenceWarning"


@pytest.mark.parametrize("key", ["ridge", "mlp"])
def test_kept_best_candidate_equals_a_fresh_fit_on_train(key, split, fast_config):
    from reportgen.experiment import score

    spec = MODELS[key]
    tuned, timing = fit_tuned(
        spec, FAST_GRIDS[key], split, fast_config, WarningLog(), lambda *a, **k: None
    )
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in tuned["best_params"].items()}
    fresh = spec.build(42, **params).fit(split.X["train"], split.y["train"])
    # equal up to the last bits: the search ran with one BLAS thread per candidate
    assert score(spec, fresh, split)["test"] == pytest.approx(tuned["test"], rel=1e-9)
    assert timing["refitted"] is False


def test_parallel_search_gives_the_serial_results(split, fast_config):
    import dataclasses

    spec = MODELS["mlp"]
    results = []
    for n_jobs in (1, 2):
        tuning = dataclasses.replace(fast_config.tuning, n_jobs=n_jobs)
        cfg = dataclasses.replace(fast_config, tuning=tuning)
        tuned, timing = fit_tuned(
            spec, FAST_GRIDS["mlp"], split, cfg, WarningLog(), lambda *a, **k: None
        )
        assert timing["refitted"] is False  # the best candidate was kept from its thread
        results.append(tuned)
    assert results[0] == results[1]


def test_mlp_search_runs_on_float32_and_the_default_on_float64(split, fast_config, monkeypatch):
    import reportgen.experiment as experiment

    seen = []
    real_fit_tuned = experiment.fit_tuned

    def spy(spec, grid, data, *args, **kwargs):
        seen.append(data.X["train"].dtype)
        return real_fit_tuned(spec, grid, data, *args, **kwargs)

    monkeypatch.setattr(experiment, "fit_tuned", spy)
    payload = experiment.fit_model(MODELS["mlp"], fast_config, split, lambda *a, **k: None)
    assert seen == [np.float32]
    assert payload["result"]["float32"] is True
    assert split.X["train"].dtype == np.float64  # the default fit's data is untouched
