"""What every search strategy shares: its protocol, the fits and results it returns, the folds,
the scorer and the progress line.

As in scikit-learn's BaseSearchCV, a strategy only decides which candidates to fit on what;
ranks, the best candidate and the Search record are made once, here and in run.run_search.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np

from ...metrics import SCORERS
from ...models import CLASSIFICATION, ModelSpec
from ..blas import worker_blas
from ..warning_log import recorded

if TYPE_CHECKING:
    from ...config import Config
    from ..splits import SplitData

Progress = Callable[..., None]  # progress(message, transient=False)
# The default fit handed to a strategy: its parameters (its candidate is the default fit), or
# a function that fits it (one more task for the strategy's own pool)
DefaultTask = dict[str, Any] | Callable[[], Any] | None


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
class Outcome:
    """What every strategy returns: one row per candidate in grid order, and every fit."""

    params: list[dict[str, Any]]
    scores: np.ndarray  # each candidate's score (the mean over folds; its last round's)
    fit_seconds: np.ndarray  # each candidate's fit time (mean over folds; all its rounds)
    fits: list[Fit]
    reached: list[int] | None = None  # a search in rounds: the last round each reached
    rounds: list[dict[str, Any]] = field(default_factory=list)
    more: dict[str, np.ndarray] = field(default_factory=dict)  # a strategy's own columns
    default: Any = None  # the default fit (a Fit), or what the DefaultTask function returned

    def results(self) -> dict[str, Any]:
        """The rows as scikit-learn's cv_results_ names them, ranked by round, then score."""
        reached = self.reached or [0] * len(self.params)
        return {
            "params": self.params,
            "mean_test_score": self.scores,
            "rank_test_score": ranks_by_round(reached, [float(s) for s in self.scores]),
            "round": np.array(reached, dtype=int),
            "mean_fit_time": self.fit_seconds,
            **self.more,
        }


class Fallback(NamedTuple):
    """Why a strategy hands a model's grid to the full grid search, and whether to say so."""

    reason: str
    said: bool = True


class Strategy(Protocol):
    """A way to search a model's grid, registered by name (registry.STRATEGIES)."""

    name: str  # stored in results.json (tuned.search)
    rounds: str | None  # a round gives more "data" (fitted anew) or "epochs" (trained on)
    key_material: dict[str, Any]  # what asking for it adds to the cache key
    # without its candidate in the grid, the default fit can be one more task of its pool
    queues_default: bool
    # said when the default fit comes from the run: before it (its candidate; queued), and
    # after it ({seconds} of the default fit)
    default_said: tuple[str, str, str]

    def fallback(self, spec: ModelSpec, points: list[dict], cfg: Config) -> Fallback | None:
        """None if it can search these candidates, else why the full grid searches them."""
        ...

    def yields_default(self, spec: ModelSpec, cfg: Config) -> bool:
        """Whether its run hands back the default fit (a DefaultTask)."""
        ...

    def run(
        self,
        spec: ModelSpec,
        points: list[dict],
        data: SplitData,
        cfg: Config,
        progress: Progress,
        default: DefaultTask = None,
    ) -> Outcome:
        """Fit and score the candidates `points`."""
        ...


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
    rounds: list[dict[str, Any]] = field(default_factory=list)  # a search in rounds only
    kind: str = "grid"  # the strategy's name: grid | halving | epoch_halving
    default: Any = None  # Outcome.default

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


def ranks_by_round(reached: list[int], scores: list[float]) -> np.ndarray:
    """Ranks of a search in rounds: a candidate that reached a later round ranks above one that
    left earlier, then by score; ties share the best rank (as in scikit-learn). A search in one
    round ranks by score alone, as GridSearchCV."""
    keys = list(zip(reached, scores, strict=True))
    return np.array([1 + sum(other > key for other in keys) for key in keys])


def scorer_for(metric: str) -> Callable[..., float]:
    """scikit-learn's scorer of a headline metric (larger is better)."""
    from sklearn.metrics import get_scorer

    return get_scorer(SCORERS[metric])


def splitter(spec: ModelSpec, k: int, seed: int) -> Any:
    """k shuffled folds of train, stratified for a classifier (as GridSearchCV's cv=k)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    kind = StratifiedKFold if spec.family == CLASSIFICATION else KFold
    return kind(n_splits=k, shuffle=True, random_state=seed)


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view: tasks share the split's arrays, and an estimator that would change its
    input in place (copy_X=False) must copy it instead, as scikit-learn then does."""
    view = array.view()
    view.flags.writeable = False
    return view


def folds(spec: ModelSpec, data: SplitData, k: int, seed: int) -> list[tuple[Any, ...]]:
    """(X_fit, y_fit, X_score, y_score, full) per fold: the validation split, or k of train."""
    if k == 0:
        X, y = data.X, data.y
        views = [_read_only(a) for a in (X["train"], y["train"], X["validation"], y["validation"])]
        return [(*views, True)]
    X, y = data.X["train"], data.y["train"]
    return [(X[tr], y[tr], X[te], y[te], False) for tr, te in splitter(spec, k, seed).split(X, y)]


def said(spec: ModelSpec, text: str) -> str:
    """A progress line of one model: its name in a column, then what happens."""
    return f"  {spec.name:<21} {text}"


class FitCounter:
    """The transient progress line of a search: fits done of all, seconds since it began."""

    def __init__(self, spec: ModelSpec, total: int, progress: Progress) -> None:
        self.spec, self.total, self.progress = spec, total, progress
        self.done, self.t0 = 0, time.perf_counter()

    def add(self, n: int = 1) -> None:
        self.done += n
        seconds = time.perf_counter() - self.t0
        text = f"tuned    {self.done:>3}/{self.total} fits {seconds:7.1f}s"
        self.progress(said(self.spec, text), transient=True)


def fit_candidate(
    spec: ModelSpec,
    seed: int,
    params: dict[str, Any],
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    X_score: np.ndarray,
    y_score: np.ndarray,
    blas: int | None = None,
    settings: dict[str, Any] | None = None,
) -> tuple[float, float, list[warnings.WarningMessage], Any]:
    """One task: fit a candidate, score it: (score, fit seconds, its warnings, the estimator).

    `blas`: on another process (a Dask worker), the BLAS thread count to fit with. `settings`:
    what the fold computed once for every candidate (sharing.fold_settings), set for the fit
    only, so that the fitted model says what the model's own settings say and keeps no copy."""
    estimator = spec.build(seed, **params)
    settings = settings or {}
    own = {p: v for p, v in estimator.get_params().items() if p in settings}
    estimator.set_params(**settings)
    with recorded() as caught, worker_blas(blas):
        t0 = time.perf_counter()
        estimator.fit(X_fit, y_fit)
        seconds = time.perf_counter() - t0
        value = float(scorer_for(spec.metric)(estimator, X_score, y_score))
    estimator.set_params(**own)
    return value, seconds, caught, estimator
