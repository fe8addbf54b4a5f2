"""Successive halving (tuning.halving): scikit-learn's HalvingGridSearchCV, one fit at a time.

Each round trains the surviving candidates on a larger share of the train split; the last round
on all of it, so its best candidate is a finished model. The search runs in this thread, and its
scorer, called right after each fit, takes the fitted estimator and the warnings the fit raised.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ...models import ModelSpec
from ..warning_log import recorded
from .base import DefaultTask, Fallback, Fit, FitCounter, Outcome, Progress, scorer_for, splitter

if TYPE_CHECKING:
    from ...config import Config
    from ..splits import SplitData

HALVING_FACTOR = 3  # scikit-learn's default: each round keeps the best third


def halving_rounds(n_candidates: int) -> list[int]:
    """Candidates per round of successive halving when data is plentiful."""
    rounds = [n_candidates]
    while HALVING_FACTOR ** len(rounds) <= n_candidates:  # 1 + floor(log_factor(n)) rounds
        rounds.append(-(-rounds[-1] // HALVING_FACTOR))
    return rounds


class HalvingStrategy:
    """Rounds over the data: each fits its candidates anew on a larger share."""

    name = "halving"
    rounds = "data"
    key_material: dict[str, Any] = {"halving": True}
    queues_default = False
    default_said = ("", "", "")

    def fallback(self, spec: ModelSpec, points: list[dict], cfg: Config) -> Fallback | None:
        return None

    def yields_default(self, spec: ModelSpec, cfg: Config) -> bool:
        return False  # only the last round's candidates saw the whole train split

    def run(
        self,
        spec: ModelSpec,
        points: list[dict],
        data: SplitData,
        cfg: Config,
        progress: Progress,
        default: DefaultTask = None,
    ) -> Outcome:
        """Rounds of HalvingGridSearchCV, its candidates given slowest first."""
        from sklearn.experimental import enable_halving_search_cv  # noqa: F401
        from sklearn.model_selection import HalvingGridSearchCV, PredefinedSplit

        if default is not None:
            raise ValueError("successive halving does not fit the default")
        seed, k = cfg.data.seed, cfg.tuning.cv
        if k == 0:
            X, y = data.X["search"], data.y["search"]
            n_tr = len(data.y["train"])
            fold = np.r_[np.full(n_tr, -1), np.zeros(len(y) - n_tr, dtype=int)]
            cv: Any = PredefinedSplit(fold)
            full_rows, n_folds = len(data.y["validation"]), 1
        else:
            X, y = data.X["train"], data.y["train"]
            cv, full_rows, n_folds = splitter(spec, k, seed), -1, k
        order = sorted(range(len(points)), key=lambda i: spec.cost(points[i]), reverse=True)
        candidates = [{p: [v] for p, v in points[i].items()} for i in order]
        with recorded() as caught:
            counter = FitCounter(spec, sum(halving_rounds(len(points))) * n_folds, progress)
            scorer = _Scorer(spec, points[0], caught, full_rows, counter)
            search = HalvingGridSearchCV(
                spec.build(seed),
                candidates,
                factor=HALVING_FACTOR,
                min_resources="exhaust",  # the last round trains on the whole train split
                return_train_score=False,
                random_state=seed,
                scoring=scorer,
                cv=cv,
                refit=False,
                n_jobs=1,
                error_score="raise",
            ).fit(X, y)
        rounds = [
            {"candidates": int(c), "share": float(r) / search.max_resources_}
            for c, r in zip(search.n_candidates_, search.n_resources_, strict=True)
        ]
        return _per_candidate(search.cv_results_, points, scorer.fits, rounds)


class _Scorer:
    """Scores a fitted candidate and keeps it as a Fit, with the warnings raised since the last
    score; fits run one at a time, so the seconds since the last score are its fit's."""

    def __init__(
        self, spec: ModelSpec, like: dict, caught: list, full_rows: int, counter: FitCounter
    ) -> None:
        self.scorer = scorer_for(spec.metric)
        self.like, self.caught, self.full_rows, self.counter = like, caught, full_rows, counter
        self.seen = 0
        self.fits: list[Fit] = []
        self.t0 = time.perf_counter()

    def __call__(self, estimator: Any, X: np.ndarray, y: np.ndarray) -> float:
        seconds = time.perf_counter() - self.t0
        value = self.scorer(estimator, X, y)
        new = self.caught[self.seen :]
        self.seen = len(self.caught)
        own = estimator.get_params()
        params = {p: own[p] for p in self.like}
        # a fit scored on the whole validation split was trained on the whole train split
        full = len(y) == self.full_rows
        self.fits.append(Fit(params, float(value), seconds, list(new), estimator, full))
        self.counter.add()
        self.t0 = time.perf_counter()
        return value


def _per_candidate(
    cv_results: dict[str, Any], points: list[dict[str, Any]], fits: list[Fit], rounds: list
) -> Outcome:
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
    seconds = [sum(cv_results["mean_fit_time"][r] for r in rows[i]) for i in range(len(points))]
    return Outcome(
        points,
        np.asarray(cv_results["mean_test_score"])[last],
        np.array(seconds),
        fits,
        reached=reached[last].tolist(),
        rounds=rounds,
    )


HALVING = HalvingStrategy()
