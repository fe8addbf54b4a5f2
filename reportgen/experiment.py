"""The analysis: split, scale, fit every model with default and with tuned parameters, score."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    root_mean_squared_error,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from .cache import ResultCache, model_key
from .config import Config
from .data import Dataset
from .errors import BuildInterrupted, DataError
from .models import CLASSIFICATION, MODELS, ModelSpec, estimator_grid
from .results import DIVIDE_BY_255, STANDARD_SCALER
from .search import Progress, Search, run_search

DIGITS = list(range(10))


@dataclass(frozen=True)
class SplitData:
    """Row indices of the three splits and their scaled features.

    The features of all rows live in one array ordered train, validation, test; each split is a
    view into it, so train + validation (the search's data) needs no copy.
    """

    idx: dict[str, np.ndarray]
    X_all: np.ndarray
    y_all: np.ndarray
    scaler: StandardScaler | None  # None: the pixels were divided by 255 instead

    def _bounds(self) -> dict[str, slice]:
        n_tr, n_val = len(self.idx["train"]), len(self.idx["validation"])
        return {
            "train": slice(0, n_tr),
            "validation": slice(n_tr, n_tr + n_val),
            "test": slice(n_tr + n_val, len(self.y_all)),
            "search": slice(0, n_tr + n_val),
        }

    @property
    def X(self) -> dict[str, np.ndarray]:
        """Features by split (views): train, validation, test, and search (train + validation)."""
        return {k: self.X_all[b] for k, b in self._bounds().items()}

    @property
    def y(self) -> dict[str, np.ndarray]:
        """Labels by split, as X."""
        return {k: self.y_all[b] for k, b in self._bounds().items()}


def _in_split_order(idx: dict[str, np.ndarray]) -> np.ndarray:
    """Row numbers of the data set ordered train, validation, test, as SplitData keeps them."""
    return np.concatenate([idx["train"], idx["validation"], idx["test"]])


def split_and_scale(ds: Dataset, fractions: tuple[float, float, float], seed: int) -> SplitData:
    """Stratified, seeded train/validation/test split; StandardScaler fitted on train only."""
    n = len(ds.y)
    _, val_frac, test_frac = fractions
    n_val, n_test = round(n * val_frac), round(n * test_frac)  # exact sizes: 70,000 -> 7,000
    rows = np.arange(n)
    try:
        rest, test = train_test_split(rows, test_size=n_test, stratify=ds.y, random_state=seed)
        train, val = train_test_split(rest, test_size=n_val, stratify=ds.y[rest], random_state=seed)
    except ValueError as exc:
        raise DataError(
            f"{n} digits are too few for a stratified {fractions} split ({exc}): "
            "use more data (raise --limit)"
        ) from None
    idx = {"train": train, "validation": val, "test": test}
    order = _in_split_order(idx)
    X_all = ds.X[order].astype(np.float64)
    scaler = StandardScaler().fit(X_all[: len(train)])
    scaler.transform(X_all, copy=False)  # in place: no second 70,000 x 784 array
    return SplitData(idx, X_all, ds.y[order].astype(np.int64), scaler)


def preprocessing_of(key: str, cfg: Config) -> str:
    """How a model's pixels are scaled: standardised, or divided by 255 (data.divide_by_255)."""
    return DIVIDE_BY_255 if key in cfg.data.divide_by_255 else STANDARD_SCALER


def divided_by_255(ds: Dataset, data: SplitData) -> SplitData:
    """The same split with every pixel divided by 255 (range 0-1) instead of standardised.

    StandardScaler turns a pixel that is almost always dark into extreme values in the rare image
    where it is lit (scaling_facts); dividing by the pixel range keeps every input in 0-1.
    """
    X_all = ds.X[_in_split_order(data.idx)].astype(np.float64)
    X_all /= 255.0
    return SplitData(data.idx, X_all, data.y_all, None)


def inputs_for(key: str, cfg: Config, ds: Dataset, data: SplitData) -> SplitData:
    """The split a model is fitted on: `data` (standardised), or divided by 255 for it alone."""
    return divided_by_255(ds, data) if preprocessing_of(key, cfg) == DIVIDE_BY_255 else data


def data_facts(ds: Dataset, data: SplitData) -> dict[str, Any]:
    """What the report's data study shows: shape, types, ranges, class counts, previews."""
    X, y = ds.X, ds.y
    n = len(y)
    head, tail = list(range(min(5, n))), list(range(max(n - 5, 5), n))

    def rows(which: list[int]) -> list[dict[str, Any]]:
        return [{"index": i, "values": X[i, :10].tolist()} for i in which]

    return {
        "n_samples": n,
        "n_features": int(X.shape[1]),
        "image_shape": [28, 28],
        "pixel_dtype": str(X.dtype),
        "label_dtype": str(y.dtype),
        "pixel_min": int(X.min()),
        "pixel_max": int(X.max()),
        "pixel_mean": float(X.mean()),
        "pixels_zero_everywhere": int((X.max(axis=0) == 0).sum()),
        "split_sizes": {k: int(len(v)) for k, v in data.idx.items()},
        "class_counts": {
            "all": np.bincount(y, minlength=10).tolist(),
            **{k: np.bincount(y[v], minlength=10).tolist() for k, v in data.idx.items()},
        },
        "preview": {
            "columns": [f"pixel{i}" for i in range(1, 11)],
            "head": rows(head),
            "tail": rows(tail),
        },
        "target_summary": {
            "head": [[i, int(y[i])] for i in head],
            "tail": [[i, int(y[i])] for i in tail],
            "length": n,
            "categories": sorted(int(c) for c in np.unique(y)),
        },
        "first_digits": {
            "labels": y[:9].tolist(),
            "pixels": X[:9].tolist(),
        },
    }


def _max_abs(X: np.ndarray) -> float:
    """max |x| without an |X| copy (350 MB for the train split of full MNIST)."""
    return float(max(X.max(), -X.min()))


def scaling_facts(ds: Dataset, data: SplitData) -> dict[str, Any]:
    """What standardising does to rare pixels: constant ones and extreme z-scores per split."""
    zero_var = data.scaler.var_ == 0
    return {
        "zero_variance_pixels_train": int(zero_var.sum()),
        "max_abs_z": {k: _max_abs(data.X[k]) for k in ("train", "validation", "test")},
        "pixels_nonzero_outside_train": {
            k: int(((ds.X[data.idx[k]] > 0).any(axis=0) & zero_var).sum())
            for k in ("validation", "test")
        },
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def score(spec: ModelSpec, estimator: Any, data: SplitData) -> dict[str, Any]:
    """Validation and test metrics; classifiers add the confusion matrix and per-class scores."""
    out: dict[str, Any] = {}
    for split in ("validation", "test"):
        pred = estimator.predict(data.X[split])
        truth = data.y[split]
        if spec.family == CLASSIFICATION:
            out[split] = {"accuracy": float(accuracy_score(truth, pred))}
        else:
            rounded = np.clip(np.rint(pred), 0, 9)
            out[split] = {
                "rmse": float(root_mean_squared_error(truth, pred)),
                "rounded_accuracy": float(accuracy_score(truth, rounded)),
            }
        if split == "test" and spec.family == CLASSIFICATION:
            p, r, f, s = precision_recall_fscore_support(
                truth, pred, labels=DIGITS, zero_division=0
            )
            out["confusion_matrix"] = confusion_matrix(truth, pred, labels=DIGITS).tolist()
            out["per_class"] = {
                "precision": p.tolist(),
                "recall": r.tolist(),
                "f1": f.tolist(),
                "support": s.tolist(),
            }
    if spec.family != CLASSIFICATION and hasattr(estimator, "coef_"):
        out["max_abs_coef"] = float(np.abs(estimator.coef_).max())
    return out


class WarningLog:
    """Warnings met while fitting, deduplicated, with the model and phase they came from."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, model: str, phase: str, caught: list[warnings.WarningMessage]) -> None:
        for w in caught:
            message = str(w.message).strip().splitlines()[0]
            if message.startswith("Training interrupted by user"):
                # MLPClassifier swallows Ctrl-C and returns a half-trained model: pass it on,
                # so the build stops and the unfinished fit is never cached.
                raise KeyboardInterrupt
            for e in self.entries:
                if (e["model"], e["phase"], e["message"]) == (model, phase, message):
                    e["count"] += 1
                    break
            else:
                self.entries.append(
                    {
                        "model": model,
                        "phase": phase,
                        "category": w.category.__name__,
                        "message": message,
                        "count": 1,
                    }
                )


def _fit(estimator: Any, X: np.ndarray, y: np.ndarray, log: WarningLog, key: str, phase: str):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    log.add(key, phase, caught)
    return estimator


def fit_default(spec: ModelSpec, data: SplitData, seed: int, log: WarningLog) -> tuple[dict, float]:
    """Fit with scikit-learn's default parameters on train; return scores and fit seconds."""
    estimator = spec.build(seed)
    t0 = time.perf_counter()
    _fit(estimator, data.X["train"], data.y["train"], log, spec.key, "default")
    seconds = time.perf_counter() - t0
    result = score(spec, estimator, data)
    return result, seconds


def default_point(spec: ModelSpec, grid: dict[str, list[Any]], seed: int) -> dict | None:
    """scikit-learn's default parameters as a candidate of `grid`, if the grid holds them."""
    est_grid = estimator_grid(grid)
    defaults = spec.build(seed).get_params()
    point = {p: defaults[p] for p in est_grid}
    return point if all(point[p] in values for p, values in est_grid.items()) else None


def default_from_search(
    spec: ModelSpec, search: Search, point: dict[str, Any], data: SplitData, log: WarningLog
) -> tuple[dict, float]:
    """The default model, taken from a search on the validation fold.

    There the candidate with the default parameters was fitted on the train split with the
    same seed: it is the default fit itself. (Under k-fold it saw less data.)
    """
    estimator, caught = search.log.matching(point)[0]
    log.add(spec.key, "default", caught)
    return score(spec, estimator, data), search.fit_seconds(point)


def tuned_result(
    spec: ModelSpec, search: Search, data: SplitData, log: WarningLog
) -> tuple[dict, dict]:
    """The tuned model (kept from the search, else fitted on train) and the search's record."""
    res, seed = search.cv_results, search.seed
    log.add(spec.key, "tuned", search.log.warnings_in_order(res["params"]))
    best = search.best_params
    t0 = time.perf_counter()
    final = search.log.kept(best)
    refitted = final is None
    if refitted:
        final = _fit(
            spec.build(seed, **best), data.X["train"], data.y["train"], log, spec.key, "tuned"
        )
    refit_seconds = time.perf_counter() - t0
    sign = 1.0 if spec.family == CLASSIFICATION else -1.0
    defaults = spec.build(seed).get_params()
    candidates = [
        {
            "params": {p: _jsonable(v) for p, v in params.items()},
            "score": sign * float(res["mean_test_score"][i]),
            "rank": int(res["rank_test_score"][i]),
            **({"round": int(res["round"][i]) + 1} if search.rounds else {}),
        }
        for i, params in enumerate(res["params"])
    ]
    result = {
        "scheme": "validation" if search.k == 0 else f"{search.k}-fold",
        "search": "halving" if search.rounds else "grid",
        **({"rounds": search.rounds} if search.rounds else {}),
        "default_params": {p: _jsonable(defaults[p]) for p in search.params_grid},
        "best_params": {p: _jsonable(v) for p, v in best.items()},
        "best_search_score": sign * search.best_score,
        "candidates": candidates,
        **score(spec, final, data),
    }
    timing = {
        "search_seconds": search.seconds,
        "refit_seconds": refit_seconds,
        "refitted": refitted,
        "candidate_fit_seconds": [float(t) for t in res["mean_fit_time"]],
    }
    return result, timing


def fit_tuned(
    spec: ModelSpec,
    grid: dict[str, list[Any]],
    data: SplitData,
    cfg: Config,
    log: WarningLog,
    progress: Progress,
) -> tuple[dict, dict]:
    """GridSearchCV over `grid`, then the best parameters' model scored: (result, timing)."""
    return tuned_result(spec, run_search(spec, grid, data, cfg, progress), data, log)


def cache_material(spec: ModelSpec, cfg: Config, ds: Dataset) -> dict[str, Any]:
    """Everything that determines one model's fits and scores (the cache key's input)."""
    from importlib.metadata import version

    return {
        "fingerprint": ds.fingerprint,
        "split": list(cfg.data.split),
        "seed": cfg.data.seed,
        "cv": cfg.tuning.cv,
        "halving": spec.key in cfg.tuning.halving,
        "model": spec.key,
        "preprocessing": preprocessing_of(spec.key, cfg),
        "params": spec.build(cfg.data.seed).get_params(),
        "float32": spec.float32,
        "grid": cfg.grids[spec.key],
        "versions": {lib: version(lib) for lib in ("scikit-learn", "numpy", "scipy")},
    }


def as_float32(data: SplitData) -> SplitData:
    """The same split in float32: half the memory traffic for estimators that keep float32."""
    return SplitData(data.idx, data.X_all.astype(np.float32), data.y_all, data.scaler)


def fit_model(spec: ModelSpec, cfg: Config, data: SplitData, progress: Progress) -> dict[str, Any]:
    """Default and tuned fits of one model: its results, timing and warnings.

    The default model is scikit-learn's defaults on the float64 features, as a plain user would
    fit it. It is taken from the search when that search was this very fit: the grid holds the
    default parameters, tuning uses the validation split, the full grid is searched on float64.
    Else it is fitted on its own. The search may use float32 (ModelSpec.float32) for speed.
    """
    t0 = time.perf_counter()
    seed, grid = cfg.data.seed, cfg.grids[spec.key]
    model_data = as_float32(data) if spec.float32 else data
    same_fit = cfg.tuning.cv == 0 and spec.key not in cfg.tuning.halving and not spec.float32
    point = default_point(spec, grid, seed) if same_fit else None
    default_log, tuned_log = WarningLog(), WarningLog()
    if point is None:
        default, default_seconds = fit_default(spec, data, seed, default_log)
        progress(f"  {spec.name:<21} default  {'':>13} {default_seconds:7.1f}s")
    search = run_search(spec, grid, model_data, cfg, progress)
    n_fits = len(search.log.fits)  # candidates x folds, or the rounds' fits when halving
    progress(f"  {spec.name:<21} tuned    {n_fits:>4}/{n_fits} fits {search.seconds:7.1f}s")
    if point is not None:
        default, default_seconds = default_from_search(spec, search, point, data, default_log)
        progress(f"  {spec.name:<21} default  (a candidate of the search)")
    tuned, tuned_timing = tuned_result(spec, search, model_data, tuned_log)
    result = {
        "name": spec.name,
        "family": spec.family,
        "metric": spec.metric,
        "preprocessing": preprocessing_of(spec.key, cfg),
        "float32": spec.float32,
        "default_from_search": point is not None,
        "default": default,
        "tuned": tuned,
    }
    timing = {
        "default_seconds": default_seconds,
        **tuned_timing,
        "total_seconds": time.perf_counter() - t0,
    }
    return {"result": result, "timing": timing, "warnings": default_log.entries + tuned_log.entries}


def run_experiment(
    cfg: Config, ds: Dataset, progress: Progress = print, cache: ResultCache | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every registered model, default and tuned, from the cache where it can: (results, run)."""
    data = split_and_scale(ds, cfg.data.split, cfg.data.seed)
    cache = cache or ResultCache(enabled=False)
    models: dict[str, Any] = {}
    timings: dict[str, Any] = {}
    warnings_seen: list[dict[str, Any]] = []
    for key, spec in MODELS.items():
        cache_key = model_key(cache_material(spec, cfg, ds))
        payload, why = cache.get(cache_key)
        if payload is not None:
            progress(f"  {spec.name:<21} cached   (fitted nothing)")
            timings[key] = {"cached": True, "computed": payload["timing"]}
        else:
            progress(f"  {spec.name:<21} computing: {why}")
            try:
                payload = fit_model(spec, cfg, inputs_for(key, cfg, ds, data), progress)
            except KeyboardInterrupt:
                raise BuildInterrupted([MODELS[k].name for k in models]) from None
            cache.put(cache_key, payload)
            timings[key] = {"cached": False, **payload["timing"]}
        models[key] = payload["result"]
        warnings_seen += payload["warnings"]
    results = {
        "data": data_facts(ds, data),
        "scaling": scaling_facts(ds, data),
        "models": models,
        "warnings": warnings_seen,
    }
    return results, timings
