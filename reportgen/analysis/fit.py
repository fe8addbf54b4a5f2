"""One model's fits: with scikit-learn's default parameters and tuned, each scored."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

from sklearn.model_selection import ParameterGrid

from ..config import Config, preprocessing_of
from ..metrics import scorer_sign
from ..models import ModelSpec, estimator_grid
from ..results import ModelPayload
from .scoring import jsonable, score
from .search import Progress, Search, run_search, search_kind
from .splits import SplitData, as_float32
from .warning_log import WarningLog, recorded


def fit_default(
    spec: ModelSpec, data: SplitData, seed: int, log: WarningLog
) -> tuple[dict, float, Any]:
    """Fit with scikit-learn's default parameters on train: scores, fit seconds, the model."""
    estimator = spec.build(seed)
    with recorded() as caught:
        t0 = time.perf_counter()
        estimator.fit(data.X["train"], data.y["train"])
        seconds = time.perf_counter() - t0
    log.add(spec.key, "default", caught)
    return score(spec, estimator, data), seconds, estimator


def default_point(spec: ModelSpec, grid: dict[str, list[Any]], seed: int) -> dict | None:
    """scikit-learn's default parameters as a candidate of `grid`, if the grid holds them."""
    est_grid = estimator_grid(grid)
    defaults = spec.build(seed).get_params()
    point = {p: defaults[p] for p in est_grid}
    return point if all(point[p] in values for p, values in est_grid.items()) else None


def default_from_search(
    spec: ModelSpec, search: Search, point: dict[str, Any], data: SplitData, log: WarningLog
) -> tuple[dict, float, Any]:
    """The default model, taken from a search on the validation fold.

    There the candidate with the default parameters was fitted on the train split with the
    same seed: it is the default fit itself. (Under k-fold it saw less data.)
    """
    fit = search.fits_of(point)[0]
    log.add(spec.key, "default", fit.warnings)
    return score(spec, fit.estimator, data), search.fit_seconds(point), fit.estimator


def _done(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def tuned_result(
    spec: ModelSpec, search: Search, data: SplitData, log: WarningLog
) -> tuple[dict, dict, Any]:
    """The tuned model's scores and the search's record, its timing, and the tuned model itself
    (kept from the search, else fitted on train)."""
    res, seed = search.cv_results, search.seed
    log.add(spec.key, "tuned", search.warnings_in_order())
    best = search.best_params
    t0 = time.perf_counter()
    final = search.kept(best)
    refitted = final is None
    if refitted:
        final = spec.build(seed, **best)
        with recorded() as caught:
            final.fit(data.X["train"], data.y["train"])
        log.add(spec.key, "tuned", caught)
    refit_seconds = time.perf_counter() - t0
    sign = scorer_sign(spec.metric)
    defaults = spec.build(seed).get_params()
    candidates = [
        {
            "params": {p: jsonable(v) for p, v in params.items()},
            "score": sign * float(res["mean_test_score"][i]),
            "rank": int(res["rank_test_score"][i]),
            **({"round": int(res["round"][i]) + 1} if search.rounds else {}),
            **({"epochs": int(res["epochs"][i])} if "epochs" in res else {}),
        }
        for i, params in enumerate(res["params"])
    ]
    result = {
        "scheme": "validation" if search.k == 0 else f"{search.k}-fold",
        "search": search.kind,
        **({"rounds": search.rounds} if search.rounds else {}),
        "default_params": {p: jsonable(defaults[p]) for p in search.params_grid},
        "best_params": {p: jsonable(v) for p, v in best.items()},
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
    return result, timing, final


def race_default(
    spec: ModelSpec, runner: Any, data: SplitData, log: WarningLog
) -> tuple[dict, float, Any]:
    """The default model from a race over epochs: its candidate, trained on to its own stop in
    the race's final round (racing.epoch_race). A resumed run is the plain fit (epochs.Runner),
    so this is the default fit itself; its seconds are all its epochs."""
    log.add(spec.key, "default", runner.warnings)
    model = runner.finish()
    return score(spec, model, data), runner.seconds, model


def fit_model(
    spec: ModelSpec, cfg: Config, data: SplitData, progress: Progress
) -> tuple[ModelPayload, Any]:
    """Default and tuned fits of one model: (its results, timing and warnings; both models).

    Both are fitted on the model's features: float64, or float32 for a model searched on
    float32 (ModelSpec.float32), so that default and tuned differ in their parameters only.
    The default is taken from the search when the search made that very fit: tuning uses the
    validation split, the grid holds the default parameters, and the full grid is searched or
    the candidates race over epochs (the race trains that candidate on to its end). Else it is
    fitted on its own.
    """
    t0 = time.perf_counter()
    seed, grid = cfg.data.seed, cfg.grids[spec.key]
    model_data = as_float32(data) if spec.float32 else data
    # said once, here: run_search is handed the kind
    kind = search_kind(spec, list(ParameterGrid(estimator_grid(grid))), cfg, progress)
    # a race in this process's threads: a task sent to a Dask worker could not record the
    # warnings of a default fitted there (`last`)
    in_race = kind == "epoch_halving" and spec.search_in_parallel and cfg.tuning.backend != "dask"
    same_fit = cfg.tuning.cv == 0 and (kind == "grid" or in_race)
    point = default_point(spec, grid, seed) if same_fit else None
    default_log, tuned_log = WarningLog(), WarningLog()
    beside = ThreadPoolExecutor(1, thread_name_prefix="default-fit")
    try:
        # the default fit runs beside the search (its own thread, its own warnings): the
        # search's last candidates leave a core idle, which the default then uses. Not for a
        # model whose fits must not overlap (memory: ModelSpec.search_in_parallel). In a race
        # over epochs it is a task of the race's final round instead (racing.epoch_race).
        own_default, last = None, None
        if in_race and point is not None:
            progress(f"  {spec.name:<21} default  its candidate goes on to its end in the race")
        elif in_race:
            progress(f"  {spec.name:<21} default  fitting in the race's final round")
            last = partial(fit_default, spec, model_data, seed, default_log)
        elif point is None and spec.search_in_parallel:
            progress(f"  {spec.name:<21} default  fitting beside the search")
            own_default = beside.submit(fit_default, spec, model_data, seed, default_log)
        elif point is None:
            own_default = _done(fit_default(spec, model_data, seed, default_log))
        finish = point if in_race else None
        search = run_search(spec, grid, model_data, cfg, progress, last, finish, kind)
        if last is not None:
            own_default = _done(search.last_result)
        if own_default is not None:
            default, default_seconds, default_model = own_default.result()
            progress(f"  {spec.name:<21} default  {'':>13} {default_seconds:7.1f}s")
    finally:
        # an interrupted search does not wait for the default fit (a minute on full MNIST);
        # the thread ends with the process (cli.run)
        beside.shutdown(wait=False, cancel_futures=True)
    n_fits = len(search.fits)  # candidates x folds, the rounds' fits, or the racers
    progress(f"  {spec.name:<21} tuned    {n_fits:>4}/{n_fits} fits {search.seconds:7.1f}s")
    if finish is not None:
        default, default_seconds, default_model = race_default(
            spec, search.last_result, model_data, default_log
        )
        progress(f"  {spec.name:<21} default  (its candidate, trained on) {default_seconds:7.1f}s")
    elif point is not None:
        default, default_seconds, default_model = default_from_search(
            spec, search, point, model_data, default_log
        )
        progress(f"  {spec.name:<21} default  (a candidate of the search)")
    tuned, tuned_timing, final = tuned_result(spec, search, model_data, tuned_log)
    result = {
        "name": spec.name,
        "family": spec.family,
        "metric": spec.metric,
        "preprocessing": preprocessing_of(spec.key, cfg),
        "float32": spec.float32,
        "default_float32": spec.float32,
        "default_from_search": point is not None,
        "default": default,
        "tuned": tuned,
    }
    timing = {
        "default_seconds": default_seconds,
        **tuned_timing,
        "total_seconds": time.perf_counter() - t0,
    }
    payload = ModelPayload.model_validate(
        {"result": result, "timing": timing, "warnings": default_log.entries + tuned_log.entries}
    )
    return payload, {"default": default_model, "tuned": final}
