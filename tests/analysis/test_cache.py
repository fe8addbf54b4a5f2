"""The model-results cache: hits fit nothing, keys follow the inputs, corruption is recomputed."""

from __future__ import annotations

import dataclasses
import json

import pytest

from reportgen.analysis.cache import ResultCache, model_key
from reportgen.analysis.experiment import cache_material, run_experiment
from reportgen.models import MODELS


@pytest.fixture
def tiny(small):
    from reportgen.analysis.data import stratified_subset

    return stratified_subset(small, 300, seed=0)


def run(cfg, ds, cache):
    lines = []
    results, timings, _ = run_experiment(cfg, ds, lambda m, transient=False: lines.append(m), cache)
    return results, timings, lines


def test_second_run_fits_nothing_and_gives_equal_results(tmp_path, fast_config, tiny):
    cache = ResultCache(tmp_path)
    first, t1, lines1 = run(fast_config, tiny, cache)
    second, t2, lines2 = run(fast_config, tiny, cache)
    assert all(not t["cached"] for t in t1.values())
    assert all(t["cached"] for t in t2.values())
    assert sum("cached" in line for line in lines2) == len(MODELS)
    assert not any("default" in line for line in lines2)  # no fit line at all
    assert first == second


def test_corrupt_and_truncated_entries_are_recomputed(tmp_path, fast_config, tiny):
    cache = ResultCache(tmp_path)
    run(fast_config, tiny, cache)
    entries = sorted(tmp_path.glob("*/*.json"))
    assert len(entries) == len(MODELS) + 2  # and the data study's facts, and the illustrations
    files = [f for f in entries if '"result"' in f.read_text()]  # the models' entries
    files[0].write_bytes(files[0].read_bytes()[:100])  # truncated
    entry = json.loads(files[1].read_text())
    entry["payload"]["result"]["default"]["test"]["edited"] = 1.0
    files[1].write_text(json.dumps(entry))  # edited: checksum no longer matches
    _, timings, lines = run(fast_config, tiny, cache)
    recomputed = [line for line in lines if "corrupt cache entry" in line]
    assert len(recomputed) == 2
    assert sum(not t["cached"] for t in timings.values()) == 2


def test_key_follows_everything_that_determines_a_fit(fast_config, tiny, small):
    spec = MODELS["ridge"]
    base = model_key(cache_material(spec, fast_config, tiny))
    seeded = dataclasses.replace(fast_config, data=dataclasses.replace(fast_config.data, seed=1))
    grids = {**fast_config.grids, "ridge": {"alpha": [5.0]}}
    regridded = dataclasses.replace(fast_config, grids=grids)
    kfold = dataclasses.replace(fast_config, tuning=dataclasses.replace(fast_config.tuning, cv=3))
    others = [
        model_key(cache_material(spec, cfg, ds))
        for cfg, ds in [(seeded, tiny), (regridded, tiny), (kfold, tiny), (fast_config, small)]
    ]
    others.append(model_key(cache_material(MODELS["lasso"], fast_config, tiny)))
    assert len({base, *others}) == 6
    n_jobs = dataclasses.replace(
        fast_config, tuning=dataclasses.replace(fast_config.tuning, n_jobs=2)
    )
    assert model_key(cache_material(spec, n_jobs, tiny)) == base  # results do not depend on it
    standard = dataclasses.replace(
        fast_config, data=dataclasses.replace(fast_config.data, divide_by_255=())
    )
    assert model_key(cache_material(spec, standard, tiny)) == base  # ridge is standardised anyway
    mlp = MODELS["mlp"]
    by_255 = model_key(cache_material(mlp, fast_config, tiny))
    assert model_key(cache_material(mlp, standard, tiny)) != by_255


def test_disabled_cache_and_clear(tmp_path, fast_config, tiny):
    off = ResultCache(tmp_path, enabled=False)
    run(fast_config, tiny, off)
    assert not list(tmp_path.glob("*/*.json"))
    on = ResultCache(tmp_path)
    run(fast_config, tiny, on)
    assert on.clear() == len(MODELS) + 2  # and the data study's facts, and the illustrations
    assert not list(tmp_path.glob("*/*.json"))


def test_an_entry_from_before_schema_5_says_its_default_was_float64(tmp_path, fast_config, tiny):
    """Entries cached before each default's precision was recorded still answer: their
    defaults were fitted on float64. A float32 model's key has changed, as its default has."""
    from reportgen.results import ModelPayload

    cache = ResultCache(tmp_path)
    first, _, _ = run(fast_config, tiny, cache)
    key = model_key(cache_material(MODELS["ridge"], fast_config, tiny))
    payload, _ = cache.get(key, ModelPayload)
    older = payload.result.model_copy(update={"default_float32": None})
    cache.put(key, payload.model_copy(update={"result": older}))
    second, timings, _ = run(fast_config, tiny, cache)
    assert timings["ridge"]["cached"] is True
    assert second["models"]["ridge"].default_float32 is False
    assert first == second
    material = cache_material(MODELS["mlp"], fast_config, tiny)
    assert material["default_float32"] is True
    assert "default_float32" not in cache_material(MODELS["ridge"], fast_config, tiny)
