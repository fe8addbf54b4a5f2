"""Tuning: every candidate of a model's grid, fitted and scored on the validation split or k folds.

The grid search is a plain loop of independent tasks (one candidate on one fold), run by joblib:
each task fits, records its own warnings and returns its score, fit time, warnings and fitted
estimator. Nothing comes back through shared state, so the same tasks run in threads of this
process or on another backend. Scores, ranks and ties are those of scikit-learn's GridSearchCV
(the validation split as its single PredefinedSplit fold, or k shuffled folds of train).
"""

from __future__ import annotations

import contextlib
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, ParameterGrid, StratifiedKFold

from ..config import Config
from ..metrics import SCORERS
from ..models import CLASSIFICATION, ModelSpec, estimator_grid
from .blas import worker_blas
from .lbfgs_path import fit_path, path_groups
from .splits import SplitData
from .warning_log import recorded

Progress = Callable[..., None]  # progress(message, transient=False)


@dataclass
class Fit:
    """One candidate fitted on one fold and scored on its held-out rows."""

    params: dict[str, Any]
    score: float  # the scorer's value (larger is better)
    seconds: float
    warnings: list[warnings.WarningMessage]
    estimator: Any
    full: bool  # trained on the whole train split: a finished model


@dataclass
class Search:
    """One finished search: results per candidate in grid order, every fit, the time."""

    spec: ModelSpec
    seed: int
    k: int
    params_grid: dict[str, list[Any]]
    best_params: dict[str, Any]
    best_score: float
    cv_results: dict[str, Any]
    fits: list[Fit]
    seconds: float
    rounds: list[dict[str, Any]] = field(default_factory=list)  # successive halving only
    kind: str = "grid"  # grid | halving | epoch_halving
    last_result: Any = None  # what run_search's extra task returned (a race only)

    def fits_of(self, params: dict[str, Any]) -> list[Fit]:
        """The fits (one per fold and round) of the candidate with these parameters."""
        return [f for f in self.fits if f.params == params]

    def kept(self, params: dict[str, Any]) -> Any | None:
        """The candidate with these parameters as fitted on the whole train split, if any.

        Only a search on the validation fold has such a fit: k-fold candidates saw less."""
        full = [f.estimator for f in self.fits_of(params) if f.full]
        return full[0] if full else None

    def warnings_in_order(self) -> list[warnings.WarningMessage]:
        """Every warning of the search, candidate by candidate in grid order, the same order
        however the tasks ran."""
        out: list[warnings.WarningMessage] = []
        for params in self.cv_results["params"]:
            caught = [w for f in self.fits_of(params) for w in f.warnings]
            out += sorted(caught, key=lambda w: (w.category.__name__, str(w.message)))
        return out

    def fit_seconds(self, params: dict[str, Any]) -> float:
        return float(self.cv_results["mean_fit_time"][self.cv_results["params"].index(params)])


def joblib_backend(cfg: Config) -> str | None:
    """joblib's backend for the tasks: threads of this process, or the Dask cluster."""
    return "threading" if cfg.tuning.backend == "threads" else None


@contextlib.contextmanager
def on_backend(cfg: Config) -> Iterator[None]:
    """Tasks in threads share this process's BLAS setting (experiment.blas_threads); on Dask
    each task sets the same thread count on its worker (fit_candidate)."""
    if cfg.tuning.backend == "threads":
        yield
        return
    from joblib import parallel_config

    try:
        from distributed import get_client

        get_client()
    except (ImportError, ValueError):
        from ..errors import ReportgenError

        raise ReportgenError(
            'tuning.backend = "dask" needs a Dask cluster: start one and pass '
            '--scheduler tcp://HOST:PORT (README, "A class at once")'
        ) from None
    with parallel_config(backend="dask"):
        yield


def fit_candidate(
    spec: ModelSpec,
    seed: int,
    params: dict[str, Any],
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    X_score: np.ndarray,
    y_score: np.ndarray,
    blas: int | None = None,
    gram: np.ndarray | None = None,
) -> tuple[float, float, list[warnings.WarningMessage], Any]:
    """One task: fit a candidate, score it: (score, fit seconds, its warnings, the estimator).

    `blas`: on another process (a Dask worker), the BLAS thread count to fit with. `gram`: the
    fold's Gram matrix for a model fitted with precompute=True (gram_of); the fitted model
    says precompute=True again, and keeps no copy of it."""
    from sklearn.metrics import get_scorer

    estimator = spec.build(seed, **params)
    if gram is not None:
        estimator.set_params(precompute=gram)
    with recorded() as caught, worker_blas(blas):
        t0 = time.perf_counter()
        estimator.fit(X_fit, y_fit)
        seconds = time.perf_counter() - t0
        value = float(get_scorer(SCORERS[spec.metric])(estimator, X_score, y_score))
    if gram is not None:
        estimator.set_params(precompute=True)
    return value, seconds, caught, estimator


def gram_of(X: np.ndarray) -> np.ndarray | None:
    """X^T X of a training fold, as scikit-learn's coordinate descent computes it for
    precompute=True on standardised features (whose column means are zero to ~1e-14): once for
    all the candidates of a grid instead of once per candidate. Read-only, shared by threads.

    None for a fold whose columns are not centred (a k-fold part, pixels / 255): scikit-learn
    would centre them and recompute it, so each candidate computes its own."""
    if not np.allclose(X.mean(axis=0), 0.0):
        return None
    gram = np.empty((X.shape[1], X.shape[1]), dtype=X.dtype, order="C")
    np.dot(X.T, X, out=gram)
    gram.flags.writeable = False
    return gram


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view: tasks share the split's arrays, and an estimator that would change its
    input in place (copy_X=False) must copy it instead, as scikit-learn then does."""
    view = array.view()
    view.flags.writeable = False
    return view


def _folds(spec: ModelSpec, data: SplitData, k: int, seed: int) -> list[tuple[Any, ...]]:
    """(X_fit, y_fit, X_score, y_score, full) per fold: the validation split, or k of train."""
    if k == 0:
        X, y = data.X, data.y
        views = [_read_only(a) for a in (X["train"], y["train"], X["validation"], y["validation"])]
        return [(*views, True)]
    splitter = StratifiedKFold if spec.family == CLASSIFICATION else KFold
    X, y = data.X["train"], data.y["train"]
    return [
        (X[tr], y[tr], X[te], y[te], False)
        for tr, te in splitter(n_splits=k, shuffle=True, random_state=seed).split(X, y)
    ]


def _grid_fits(
    spec: ModelSpec, points: list[dict], data: SplitData, cfg: Config, progress: Progress
) -> list[tuple[int, int, Fit]]:
    """Every (candidate, fold) task, slowest candidates first: (candidate, fold, Fit) each.

    Candidates that share one L-BFGS run (lbfgs_path) are one task per fold."""
    from joblib import Parallel, delayed

    seed, k = cfg.data.seed, cfg.tuning.cv
    folds = _folds(spec, data, k, seed)
    groups = path_groups(spec, points, seed)
    slowest_first = sorted(groups, key=lambda g: spec.cost(points[g[-1]]), reverse=True)
    tasks = [(g, f) for g in slowest_first for f in range(len(folds))]
    n_jobs = cfg.tuning.n_jobs if spec.search_in_parallel else 1
    blas = cfg.tuning.blas_threads if cfg.tuning.backend == "dask" else None
    grams = [gram_of(fold[0]) if spec.gram else None for fold in folds]

    def task(group: list[int], fold: int) -> Any:
        args = (*folds[fold][:4], blas)
        if len(group) == 1:
            return delayed(fit_candidate)(spec, seed, points[group[0]], *args, grams[fold])
        return delayed(fit_path)(spec, seed, [points[i] for i in group], *args)

    out, t0, n_fits = [], time.perf_counter(), len(points) * len(folds)
    with on_backend(cfg):  # Parallel takes its backend when made: made inside the block
        run = Parallel(n_jobs=n_jobs, backend=joblib_backend(cfg), return_as="generator")
        for (group, f), fitted in zip(tasks, run(task(g, f) for g, f in tasks), strict=True):
            fitted = fitted if len(group) > 1 else [fitted]  # fit_path gives one per candidate
            for i, (value, seconds, caught, estimator) in zip(group, fitted, strict=True):
                out.append((i, f, Fit(points[i], value, seconds, caught, estimator, folds[f][4])))
            progress(
                f"  {spec.name:<21} tuned    {len(out):>3}/{n_fits} fits "
                f"{time.perf_counter() - t0:7.1f}s",
                transient=True,
            )
    return out


def _grid_results(points: list[dict], fits: list[tuple[int, int, Fit]]) -> dict[str, Any]:
    """One row per candidate in grid order: mean score over folds, rank (ties share the best
    rank, as in scikit-learn), mean fit time."""
    scores = [[f.score for i, _, f in fits if i == n] for n in range(len(points))]
    times = [[f.seconds for i, _, f in fits if i == n] for n in range(len(points))]
    means = np.array([np.mean(s) for s in scores])
    return {
        "params": points,
        "mean_test_score": means,
        "rank_test_score": np.array([1 + int(np.sum(means > m)) for m in means]),
        "round": np.zeros(len(points), dtype=int),
        "mean_fit_time": np.array([float(np.mean(t)) for t in times]),
    }


def ranks_by_round(reached: list[int], scores: list[float]) -> np.ndarray:
    """Ranks of a search in rounds: a candidate that reached a later round ranks above one that
    left earlier, then by score; ties share the best rank (as in scikit-learn)."""
    keys = list(zip(reached, scores, strict=True))
    return np.array([1 + sum(other > key for other in keys) for key in keys])


def _params_of(estimator: Any, like: dict[str, Any]) -> dict[str, Any]:
    """The estimator's values of the grid's parameters."""
    params = estimator.get_params()
    return {p: params[p] for p in like}


def run_search(
    spec: ModelSpec,
    grid: dict[str, list[Any]],
    data: SplitData,
    cfg: Config,
    progress: Progress,
    last: Callable[[], Any] | None = None,
    finish: dict[str, Any] | None = None,
    kind: str | None = None,
) -> Search:
    """Every candidate of `grid`: on the validation split (cv = 0) or k folds of train.

    `last` and `finish`, only for a race over epochs (racing.epoch_race): one more task for
    the race's pool, queued behind its finalists (`last()`, or the candidate with the
    parameters `finish` trained on to its end); its value is Search.last_result. `kind`: the
    search_kind the caller has already worked out (and said)."""
    est_grid = estimator_grid(grid)
    points = list(ParameterGrid(est_grid))  # scikit-learn's order: ranks and ties follow it
    t0 = time.perf_counter()
    rounds: list[dict[str, Any]] = []
    kind = kind or search_kind(spec, points, cfg, progress)
    if (last is not None or finish is not None) and kind != "epoch_halving":
        raise ValueError("a last task is for a race over epochs only")
    last_result = None
    if kind == "halving":
        from .halving import halving_search

        results, kept, rounds = halving_search(spec, points, data, cfg, progress)
        fits = [Fit(_params_of(e, points[0]), 0.0, 0.0, w, e, full) for e, w, full in kept]
    elif kind == "epoch_halving":
        from .racing import epoch_race

        results, fits, rounds, last_result = epoch_race(
            spec, points, data, cfg, progress, last, finish
        )
    else:
        tasks = _grid_fits(spec, points, data, cfg, progress)
        results, fits = _grid_results(points, tasks), [f for _, _, f in tasks]
    best = int(np.argmin(results["rank_test_score"]))  # the first of the best, as scikit-learn
    return Search(
        spec,
        cfg.data.seed,
        cfg.tuning.cv,
        est_grid,
        results["params"][best],
        float(results["mean_test_score"][best]),
        results,
        fits,
        time.perf_counter() - t0,
        rounds,
        kind,
        last_result,
    )


def search_kind(spec: ModelSpec, points: list[dict], cfg: Config, progress: Progress) -> str:
    """How this model's grid is searched: the full grid, successive halving over the data, or
    a race over epochs (only on the validation split, with more candidates than finalists)."""
    if spec.key in cfg.tuning.halving:
        return "halving"
    if spec.key not in cfg.tuning.epoch_halving:
        return "grid"
    from .epochs import can_resume
    from .racing import FINALISTS

    if cfg.tuning.cv != 0:
        progress(f"  {spec.name:<21} epoch halving needs tuning.cv = 0: the full grid instead")
        return "grid"
    if len(points) <= FINALISTS:
        return "grid"  # every candidate would be a finalist: the race is the grid
    if not all(can_resume(spec.build(cfg.data.seed, **p)) for p in points):
        progress(f"  {spec.name:<21} a candidate cannot resume (solver, early_stopping): full grid")
        return "grid"
    return "epoch_halving"
