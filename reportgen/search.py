"""Tuning: the search over a model's grid (full grid or successive halving) and its record.

Candidates run in threads of this process, slowest first; every fitted candidate is kept with
its warnings, so the best one (and often the default one) need not be fitted again.
"""

from __future__ import annotations

import contextlib
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    ParameterGrid,
    PredefinedSplit,
    StratifiedKFold,
)

from .config import Config
from .models import CLASSIFICATION, ModelSpec, estimator_grid

if TYPE_CHECKING:
    from .experiment import SplitData

Progress = Callable[..., None]  # progress(message, transient=False)


@contextlib.contextmanager
def _parallel(n_jobs: int):
    """Candidates in threads, one BLAS thread each, so they share the cores instead of fighting.

    Threads (not processes) keep the fitted candidates in this process and copy no data; the
    heavy work (BLAS, Cython) releases the GIL. Results are identical to a serial search.
    """
    if n_jobs == 1:
        yield
        return
    from joblib import parallel_config
    from threadpoolctl import threadpool_limits

    with parallel_config(backend="threading"), threadpool_limits(limits=1):
        yield


class _SearchLog:
    """Scores each candidate, reports progress, and keeps every fitted candidate with its warnings.

    With the validation split as the single fold, each candidate is fitted on exactly the train
    split, so a kept candidate is a finished model: neither the best (the tuned model) nor the
    one with scikit-learn's defaults (the default model) need be fitted again. Candidates run in
    threads of this process, so the fitted estimators are at hand here. A candidate's warnings
    are told apart by thread: a thread fits a candidate and then scores it, so what it warned
    since its last score belongs to the candidate being scored.
    """

    def __init__(self, spec: ModelSpec, total: int, full_rows: int, progress: Progress) -> None:
        self.scoring = (
            "accuracy" if spec.family == CLASSIFICATION else "neg_root_mean_squared_error"
        )
        self.spec, self.total, self.progress = spec, total, progress
        # a fit scored on this many rows was trained on the whole train split (successive
        # halving scores its early rounds on part of the validation split, too)
        self.full_rows = full_rows
        self.done, self.t0 = 0, time.perf_counter()
        self.fits: list[tuple[Any, list[warnings.WarningMessage], int]] = []
        self.pending: dict[int, list[warnings.WarningMessage]] = {}
        self.lock = threading.Lock()

    def showwarning(self, message, category, filename, lineno, file=None, line=None) -> None:
        """Stands in for warnings.showwarning during the search: hold it for its candidate."""
        caught = warnings.WarningMessage(message, category, filename, lineno, file, line)
        with self.lock:
            self.pending.setdefault(threading.get_ident(), []).append(caught)

    def __call__(self, estimator: Any, X: np.ndarray, y: np.ndarray) -> float:
        from sklearn.metrics import get_scorer

        value = get_scorer(self.scoring)(estimator, X, y)
        with self.lock:
            caught = self.pending.pop(threading.get_ident(), [])
            self.fits.append((estimator, caught, len(y)))
            self.done += 1
            elapsed = time.perf_counter() - self.t0
            self.progress(
                f"  {self.spec.name:<21} tuned    {self.done:>3}/{self.total} fits {elapsed:7.1f}s",
                transient=True,
            )
        return value

    def matching(self, params: dict[str, Any]) -> list[tuple[Any, list[warnings.WarningMessage]]]:
        """The kept fits (one per fold and round) of the candidate with these parameters."""
        return [(e, caught) for e, caught, _ in self._fits_of(params)]

    def kept(self, params: dict[str, Any]) -> Any | None:
        """The candidate with these parameters as fitted on the whole train split, if kept.

        Only a search on the validation fold has such a fit: k-fold candidates saw less."""
        full = [e for e, _, rows in self._fits_of(params) if rows == self.full_rows]
        return full[0] if full else None

    def _fits_of(self, params: dict[str, Any]) -> list[tuple[Any, list, int]]:
        return [f for f in self.fits if all(f[0].get_params()[k] == v for k, v in params.items())]

    def warnings_in_order(self, candidates: list[dict[str, Any]]) -> list[warnings.WarningMessage]:
        """Every warning of the search, candidate by candidate: the same order however the
        threads ran. Warnings raised outside any candidate come last."""
        out: list[warnings.WarningMessage] = []
        for params in candidates:
            caught = [w for _, ws in self.matching(params) for w in ws]
            out += sorted(caught, key=lambda w: (w.category.__name__, str(w.message)))
        return out + [w for ws in self.pending.values() for w in ws]


@dataclass
class Search:
    """One finished search: results per candidate in grid order, the kept fits, the time."""

    spec: ModelSpec
    seed: int
    k: int
    params_grid: dict[str, list[Any]]
    best_params: dict[str, Any]
    best_score: float
    cv_results: dict[str, Any]
    log: _SearchLog
    seconds: float
    rounds: list[dict[str, Any]]  # successive halving: candidates and share of data per round

    def fit_seconds(self, params: dict[str, Any]) -> float:
        return float(self.cv_results["mean_fit_time"][self.cv_results["params"].index(params)])


def run_search(
    spec: ModelSpec,
    grid: dict[str, list[Any]],
    data: SplitData,
    cfg: Config,
    progress: Progress,
) -> Search:
    """GridSearchCV over `grid`: on the validation split (cv = 0) or k folds of train."""
    seed, k = cfg.data.seed, cfg.tuning.cv
    if k == 0:  # the validation split is the search's single fold
        X_search, y_search = data.X["search"], data.y["search"]
        n_tr = len(data.y["train"])
        fold = np.r_[np.full(n_tr, -1), np.zeros(len(data.y["validation"]), dtype=int)]
        cv: Any = PredefinedSplit(fold)
        n_folds = 1
    else:
        X_search, y_search, n_folds = data.X["train"], data.y["train"], k
        splitter = StratifiedKFold if spec.family == CLASSIFICATION else KFold
        cv = splitter(n_splits=k, shuffle=True, random_state=seed)
    est_grid = estimator_grid(grid)
    points = list(ParameterGrid(est_grid))  # scikit-learn's order: ranks and ties follow it
    slowest_first = sorted(range(len(points)), key=lambda i: spec.cost(points[i]), reverse=True)
    halving = spec.key in cfg.tuning.halving
    n_fits = sum(halving_rounds(len(points))) if halving else len(points)
    full_rows = len(data.y["validation"]) if k == 0 else -1
    log = _SearchLog(spec, n_fits * n_folds, full_rows, progress)
    n_jobs = cfg.tuning.n_jobs if spec.search_in_parallel else 1
    options: dict[str, Any] = {
        "scoring": log,
        "cv": cv,
        "refit": False,
        "n_jobs": n_jobs,
        "error_score": "raise",
    }
    candidates = [{p: [v] for p, v in points[i].items()} for i in slowest_first]
    if halving:
        from sklearn.experimental import enable_halving_search_cv  # noqa: F401
        from sklearn.model_selection import HalvingGridSearchCV

        search: Any = HalvingGridSearchCV(
            spec.build(seed),
            candidates,
            factor=HALVING_FACTOR,
            min_resources="exhaust",  # the last round trains on the whole train split
            return_train_score=False,
            random_state=seed,
            **options,
        )
    else:
        search = GridSearchCV(spec.build(seed), candidates, **options)
    t0 = time.perf_counter()
    with warnings.catch_warnings(), _parallel(n_jobs):
        warnings.simplefilter("always")
        warnings.showwarning = log.showwarning
        search.fit(X_search, y_search)
    seconds = time.perf_counter() - t0
    results = _per_candidate(search.cv_results_, points)
    best = int(np.argmin(results["rank_test_score"]))  # the first of the best, as scikit-learn
    rounds = []
    if halving:
        rounds = [
            {"candidates": int(c), "share": float(r) / search.max_resources_}
            for c, r in zip(search.n_candidates_, search.n_resources_, strict=True)
        ]
    return Search(
        spec,
        seed,
        k,
        est_grid,
        results["params"][best],
        float(results["mean_test_score"][best]),
        results,
        log,
        seconds,
        rounds,
    )


HALVING_FACTOR = 3  # scikit-learn's default: each round keeps the best third


def halving_rounds(n_candidates: int) -> list[int]:
    """Candidates per round of successive halving when data is plentiful."""
    rounds = [n_candidates]
    while HALVING_FACTOR ** len(rounds) <= n_candidates:  # 1 + floor(log_factor(n)) rounds
        rounds.append(-(-rounds[-1] // HALVING_FACTOR))
    return rounds


def _per_candidate(cv_results: dict[str, Any], points: list[dict[str, Any]]) -> dict[str, Any]:
    """The search's results as one row per candidate, in the grid's own order.

    Candidates ran slowest first, and successive halving scores a candidate once per round it
    reached: each keeps its last round's score, and ranks go by round reached, then score.
    """
    n_rows = len(cv_results["params"])
    reached = np.asarray(cv_results.get("iter", np.zeros(n_rows, dtype=int)))
    rows: dict[int, list[int]] = {}
    for row, params in enumerate(cv_results["params"]):
        rows.setdefault(points.index(params), []).append(row)
    last = [max(rows[i], key=lambda r: reached[r]) for i in range(len(points))]
    scores = np.asarray(cv_results["mean_test_score"])[last]
    keys = list(zip(reached[last].tolist(), scores.tolist(), strict=True))
    return {
        "params": points,
        "mean_test_score": scores,
        "rank_test_score": np.array([1 + sum(o > key for o in keys) for key in keys]),
        "round": reached[last],
        "mean_fit_time": np.array(
            [sum(cv_results["mean_fit_time"][r] for r in rows[i]) for i in range(len(points))]
        ),
    }
