"""Successive halving (tuning.halving): scikit-learn's HalvingGridSearchCV, one fit at a time.

Each round trains the surviving candidates on a larger share of the train split; the last round
on all of it, so its best candidate is a finished model. The search runs in this thread, and its
scorer, called right after each fit, takes the fitted estimator and the warnings the fit raised.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, PredefinedSplit, StratifiedKFold

from ..config import Config
from ..metrics import SCORERS
from ..models import CLASSIFICATION, ModelSpec
from .search import ranks_by_round
from .splits import SplitData
from .warning_log import recorded

HALVING_FACTOR = 3  # scikit-learn's default: each round keeps the best third


def halving_rounds(n_candidates: int) -> list[int]:
    """Candidates per round of successive halving when data is plentiful."""
    rounds = [n_candidates]
    while HALVING_FACTOR ** len(rounds) <= n_candidates:  # 1 + floor(log_factor(n)) rounds
        rounds.append(-(-rounds[-1] // HALVING_FACTOR))
    return rounds


class _Scorer:
    """Scores a fitted candidate and keeps it with the warnings raised since the last score."""

    def __init__(self, spec: ModelSpec, caught: list, full_rows: int, total: int, progress) -> None:
        from sklearn.metrics import get_scorer

        self.scorer = get_scorer(SCORERS[spec.metric])
        self.spec, self.caught, self.full_rows = spec, caught, full_rows
        self.total, self.progress = total, progress
        self.seen = 0
        self.kept: list[tuple[Any, list, bool]] = []
        self.t0 = time.perf_counter()

    def __call__(self, estimator: Any, X: np.ndarray, y: np.ndarray) -> float:
        value = self.scorer(estimator, X, y)
        new = self.caught[self.seen :]
        self.seen = len(self.caught)
        # a fit scored on the whole validation split was trained on the whole train split
        self.kept.append((estimator, list(new), len(y) == self.full_rows))
        self.progress(
            f"  {self.spec.name:<21} tuned    {len(self.kept):>3}/{self.total} fits "
            f"{time.perf_counter() - self.t0:7.1f}s",
            transient=True,
        )
        return value


def halving_search(
    spec: ModelSpec, points: list[dict], data: SplitData, cfg: Config, progress
) -> tuple[dict[str, Any], list, list[dict[str, Any]]]:
    """(per-candidate results in grid order, fits, rounds) of a successive-halving search.

    Each fit is (estimator, its warnings, trained on the whole train split)."""
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV

    seed, k = cfg.data.seed, cfg.tuning.cv
    if k == 0:
        X, y = data.X["search"], data.y["search"]
        n_tr = len(data.y["train"])
        cv: Any = PredefinedSplit(np.r_[np.full(n_tr, -1), np.zeros(len(y) - n_tr, dtype=int)])
        full_rows, n_folds = len(data.y["validation"]), 1
    else:
        X, y = data.X["train"], data.y["train"]
        splitter = StratifiedKFold if spec.family == CLASSIFICATION else KFold
        cv, full_rows, n_folds = splitter(n_splits=k, shuffle=True, random_state=seed), -1, k
    slowest_first = sorted(range(len(points)), key=lambda i: spec.cost(points[i]), reverse=True)
    candidates = [{p: [v] for p, v in points[i].items()} for i in slowest_first]
    with recorded() as caught:
        scorer = _Scorer(
            spec, caught, full_rows, sum(halving_rounds(len(points))) * n_folds, progress
        )
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
    return _per_candidate(search.cv_results_, points), scorer.kept, rounds


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
    return {
        "params": points,
        "mean_test_score": scores,
        "rank_test_score": ranks_by_round(reached[last].tolist(), scores.tolist()),
        "round": reached[last],
        "mean_fit_time": np.array(
            [sum(cv_results["mean_fit_time"][r] for r in rows[i]) for i in range(len(points))]
        ),
    }
