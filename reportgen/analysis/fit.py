"""One model's fits: with scikit-learn's default parameters and tuned, each scored."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

from ..config import Config, preprocessing_of
from ..metrics import scorer_sign
from ..models import ModelSpec, estimator_grid
from ..results import ModelPayload
from .scoring import jsonable, score
from .search import Fit, Progress, Search, run_search, strategy_for
from .search.base import said
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


def default_from_run(
    spec: ModelSpec, fit: Fit, data: SplitData, log: WarningLog
) -> tuple[dict, float, Any]:
    """The default model as the search fitted it: its candidate, on the validation fold
    fitted on the train split with the same seed (the default fit itself; under k-fold it saw
    less), or in a race over epochs trained on to its own stop (a resumed run is the plain fit,
    search.epochs.Runner; its seconds are all its epochs)."""
    log.add(spec.key, "default", fit.warnings)
    return score(spec, fit.estimator, data), fit.seconds, fit.estimator


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


def fit_model(
    spec: ModelSpec, cfg: Config, data: SplitData, progress: Progress
) -> tuple[ModelPayload, Any]:
    """Default and tuned fits of one model: (its results, timing and warnings; both models).

    Both are fitted on the model's features: float64, or float32 for a model searched on
    float32 (ModelSpec.float32), so that default and tuned differ in their parameters only.
    The default is taken from the search when its strategy makes that very fit
    (Strategy.yields_default: the full grid on the validation split; a race over epochs, which
    trains that candidate on to its end, or fits the default in its final round when the grid
    lacks it). Else it is fitted on its own.
    """
    t0 = time.perf_counter()
    seed, grid = cfg.data.seed, cfg.grids[spec.key]
    model_data = as_float32(data) if spec.float32 else data
    choice = strategy_for(spec, cfg)
    choice.tell(progress)  # said once, here: run_search is handed the strategy
    strategy = choice.strategy
    from_run = strategy.yields_default(spec, cfg)
    point = default_point(spec, grid, seed) if from_run else None
    before, queued, after = strategy.default_said
    default_log, tuned_log = WarningLog(), WarningLog()
    beside = ThreadPoolExecutor(1, thread_name_prefix="default-fit")
    try:
        # the default fit runs beside the search (its own thread, its own warnings): the
        # search's last candidates leave a core idle, which the default then uses. Not for a
        # model whose fits must not overlap (memory: ModelSpec.search_in_parallel). A strategy
        # with a pool of its own (a race over epochs) queues it there instead.
        own_default, task = None, None
        if point is not None and before:
            progress(said(spec, f"default  {before}"))
        elif point is None and from_run and strategy.queues_default:
            progress(said(spec, f"default  {queued}"))
            task = partial(fit_default, spec, model_data, seed, default_log)
        elif point is None and spec.search_in_parallel:
            progress(said(spec, "default  fitting beside the search"))
            own_default = beside.submit(fit_default, spec, model_data, seed, default_log)
        elif point is None:
            own_default = _done(fit_default(spec, model_data, seed, default_log))
        handed = task if point is None else point
        search = run_search(spec, grid, model_data, cfg, progress, strategy, handed)
        if task is not None:
            own_default = _done(search.default)
        if own_default is not None:
            default, default_seconds, default_model = own_default.result()
            progress(said(spec, f"default  {'':>13} {default_seconds:7.1f}s"))
    finally:
        # an interrupted search does not wait for the default fit (a minute on full MNIST);
        # the thread ends with the process (cli.run)
        beside.shutdown(wait=False, cancel_futures=True)
    n_fits = len(search.fits)  # candidates x folds, the rounds' fits, or the racers
    progress(said(spec, f"tuned    {n_fits:>4}/{n_fits} fits {search.seconds:7.1f}s"))
    if point is not None:
        default, default_seconds, default_model = default_from_run(
            spec, search.default, model_data, default_log
        )
        progress(said(spec, f"default  {after.format(seconds=default_seconds)}"))
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
