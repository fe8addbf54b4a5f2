"""The whole analysis of one data set: every model, default and tuned, from the cache where it
can be, and the data study's facts.

A fully cached run imports no scikit-learn and makes no split: a warm rebuild or a verification
reads entries and fits nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from typing import Any

from ..config import Config, preprocessing_of
from ..environments.blas import kernel_key
from ..errors import BuildInterrupted
from ..models import MODELS, ModelSpec
from ..results import FactsPayload, IllustrationsPayload, ModelPayload
from .blas import blas_threads
from .cache import ResultCache, model_key
from .data import Dataset
from .search import sharing, strategy_for

ANALYSIS_LIBRARIES = ("scikit-learn", "numpy", "scipy")


@cache
def _installed() -> tuple[tuple[str, str], ...]:
    """The analysis libraries' versions, read once per process (a lookup takes ~20 ms)."""
    return tuple((lib, version(lib)) for lib in ANALYSIS_LIBRARIES)


def _versions() -> dict[str, str]:
    # the BLAS kernel too: another kernel moves the last digits (and the MLP's path on full
    # MNIST), so a rebuild under a submission's kernel must not be answered from another's
    return {**dict(_installed()), "blas_kernel": kernel_key()}


def cache_material(spec: ModelSpec, cfg: Config, ds: Dataset) -> dict[str, Any]:
    """Everything that determines one model's fits and scores (the cache key's input).

    scikit-learn's default parameters are fixed by its version, which the key holds."""
    return {
        "fingerprint": ds.fingerprint,
        "split": list(cfg.data.split),
        "seed": cfg.data.seed,
        "cv": cfg.tuning.cv,
        # the strategy the config asks for, fallback or not: "halving" always, the race only
        # when asked (the keys of models that do not race stay those of earlier versions)
        **strategy_for(spec, cfg).asked.key_material,
        "model": spec.key,
        "preprocessing": preprocessing_of(spec.key, cfg),
        "float32": spec.float32,
        "grid": cfg.grids[spec.key],
        "blas_threads": cfg.tuning.blas_threads,
        "versions": _versions(),
        # a float32 model's default is fitted on float32 too (results schema 5); it was float64
        **({"default_float32": True} if spec.float32 else {}),
        # what the candidates share and changes a fit's last digits (a Gram matrix)
        **sharing.key_material(spec),
    }


def facts_material(cfg: Config, ds: Dataset) -> dict[str, Any]:
    """What determines the data study's facts: the digits, the split and its seed."""
    return {
        "facts": 2,  # 2: the digits figure shows the training split's first nine
        "fingerprint": ds.fingerprint,
        "split": list(cfg.data.split),
        "seed": cfg.data.seed,
        "versions": _versions(),
    }


def illustrations_material(
    cfg: Config, ds: Dataset, regressor: str, its_key: str
) -> dict[str, Any]:
    """What determines the theory answers' illustrations: the digits, the split and its seed,
    and the best regressor (its own cache key) whose residuals they show."""
    return {
        "illustrations": 1,
        "fingerprint": ds.fingerprint,
        "split": list(cfg.data.split),
        "seed": cfg.data.seed,
        "regressor": regressor,
        "regressor_key": its_key,
        "versions": _versions(),
    }


class _Split:
    """The split and scaling, made the first time something needs them; from then on, BLAS
    runs with the config's thread count."""

    def __init__(self, cfg: Config, ds: Dataset) -> None:
        self.cfg, self.ds, self._data = cfg, ds, None
        self._limits = None

    @property
    def data(self):
        if self._data is None:
            from .splits import split_and_scale

            self._limits = blas_threads(self.cfg.tuning.blas_threads)
            self._data = split_and_scale(self.ds, self.cfg.data.split, self.cfg.data.seed)
        return self._data

    def close(self) -> None:
        """The BLAS thread counts as they were."""
        if self._limits is not None:
            self._limits.restore_original_limits()
            self._limits = None


def run_experiment(
    cfg: Config,
    ds: Dataset,
    progress=print,
    cache: ResultCache | None = None,
    before_fit: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, bytes]]:
    """Every registered model, default and tuned, from the cache where it can.

    Returns (the analysis part of results.json, each model's fit timing for run.json, the
    tuned models and the scaler as skops bytes, by name; a cached model stored before models
    were kept is missing).

    Every fit runs with tuning.blas_threads BLAS threads (set once the numeric libraries are
    loaded, when the first thing must be computed). `before_fit` runs once, before the first
    model that is not in the cache is fitted (the build's remaining checks)."""
    split = _Split(cfg, ds)
    try:
        return _run_experiment(
            cfg, ds, progress, cache or ResultCache(enabled=False), split, before_fit
        )
    finally:
        split.close()


def _with_default_precision(result: Any) -> Any:
    """A result cached before results schema 5 does not say what its default was fitted on:
    float64, then for every model (a float32 model's key has changed since)."""
    if result.default_float32 is None:
        return result.model_copy(update={"default_float32": False})
    return result


def _run_experiment(
    cfg: Config, ds: Dataset, progress, cache: ResultCache, split: _Split, before_fit=None
):
    from .stored import SCALER, dump_model

    models: dict[str, Any] = {}
    timings: dict[str, Any] = {}
    warnings_seen: list[Any] = []
    stored: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    for key, spec in MODELS.items():
        cache_key = keys[key] = model_key(cache_material(spec, cfg, ds))
        payload, why = cache.get(cache_key, ModelPayload)
        cached = payload is not None
        if cached:
            progress(f"  {spec.name:<21} cached   (fitted nothing)")
        else:
            progress(f"  {spec.name:<21} computing: {why}")
            from ..config import check_grid
            from .fit import fit_model

            check_grid(cfg, key)
            from .splits import inputs_for

            try:
                if before_fit is not None:  # the rest of the build's checks, once
                    before_fit()
                    before_fit = None
                payload, fitted = fit_model(
                    spec, cfg, inputs_for(key, cfg, ds, split.data), progress
                )
            except KeyboardInterrupt:
                raise BuildInterrupted([MODELS[k].name for k in models]) from None
            cache.put(cache_key, payload)
            stored[key] = dump_model(fitted)
            cache.put_model(cache_key, stored[key])
        model_file = stored.get(key) or cache.get_model(cache_key)
        if model_file is not None:
            stored[key] = model_file
        timings[key] = {"cached": cached, **payload.timing.model_dump()}
        models[key] = _with_default_precision(payload.result)
        warnings_seen += payload.warnings
    facts_key = model_key(facts_material(cfg, ds))
    facts, _ = cache.get(facts_key, FactsPayload)
    if facts is None:
        from .facts import data_facts, scaling_facts

        facts = FactsPayload.model_validate(
            {"data": data_facts(ds, split.data), "scaling": scaling_facts(ds, split.data)}
        )
        cache.put(facts_key, facts)
        stored[SCALER] = dump_model(split.data.scaler)
        cache.put_model(facts_key, stored[SCALER])
    elif split._data is not None:
        stored[SCALER] = dump_model(split.data.scaler)
    else:
        scaler = cache.get_model(facts_key)
        if scaler is not None:
            stored[SCALER] = scaler
    illustrations = _illustrations(cfg, ds, models, keys, stored, cache, split, progress)
    analysis = {
        "data": facts.data,
        "scaling": facts.scaling,
        "models": models,
        "warnings": warnings_seen,
        "illustrations": illustrations,
    }
    return analysis, timings, stored


def _illustrations(cfg, ds, models, keys, stored, cache: ResultCache, split: _Split, progress):
    """The theory answers' illustrations, from the cache where they can be."""
    from .illustrations import best_regressor

    best = best_regressor(models)
    cache_key = model_key(illustrations_material(cfg, ds, best, keys[best]))
    payload, why = cache.get(cache_key, IllustrationsPayload)
    if payload is not None:
        return payload.illustrations
    progress(f"  {'theory illustrations':<21} computing: {why}")
    from .illustrations import compute, tuned_regressor
    from .splits import inputs_for

    t0 = time.perf_counter()
    model_data = inputs_for(best, cfg, ds, split.data)
    best_params = dict(models[best].tuned.best_params)
    estimator = tuned_regressor(best, best_params, cfg.data.seed, model_data, stored.get(best))
    payload = IllustrationsPayload.model_validate(
        {"illustrations": compute(cfg, ds, split.data, best, estimator, model_data)}
    )
    progress(f"  {'theory illustrations':<21} {time.perf_counter() - t0:.1f}s")
    cache.put(cache_key, payload)
    return payload.illustrations
