"""The full grid: every candidate fitted and scored on the validation split or k folds.

The search is a plain loop of independent tasks (a group of candidates, most often one, on one
fold), run by joblib: each task fits, records its own warnings and returns its scores, fit
times, warnings and fitted estimators. Nothing comes back through shared state, so the same
tasks run in threads of this process or on another backend. Scores, ranks and ties are those
of scikit-learn's GridSearchCV (the validation split as its single PredefinedSplit fold, or k
shuffled folds of train).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...models import ModelSpec
from .backend import joblib_backend, on_backend, task_blas
from .base import DefaultTask, Fallback, Fit, FitCounter, Outcome, Progress, folds
from .sharing import Group, fold_settings, plan

if TYPE_CHECKING:
    from ...config import Config
    from ..splits import SplitData


class GridStrategy:
    """scikit-learn's GridSearchCV, its tasks in threads or on Dask, slowest first."""

    name = "grid"
    rounds = None
    key_material: dict[str, Any] = {"halving": False}
    queues_default = False
    default_said = ("", "", "(a candidate of the search)")

    def fallback(self, spec: ModelSpec, points: list[dict], cfg: Config) -> Fallback | None:
        return None  # the grid is every strategy's fallback

    def yields_default(self, spec: ModelSpec, cfg: Config) -> bool:
        """On the validation split a candidate is fitted on train with the seed, as the default
        is; k-fold candidates saw less."""
        return cfg.tuning.cv == 0

    def run(
        self,
        spec: ModelSpec,
        points: list[dict],
        data: SplitData,
        cfg: Config,
        progress: Progress,
        default: DefaultTask = None,
    ) -> Outcome:
        """Every (candidate, fold) task; `default`, the parameters of a candidate to hand back
        as the default fit."""
        if callable(default):
            raise ValueError("the grid fits the default as a candidate, not as a task")
        fitted = _fits(spec, points, data, cfg, progress)
        by_candidate = [[f for i, f in fitted if i == n] for n in range(len(points))]
        fits = [f for _, f in fitted]
        return Outcome(
            points,
            np.array([np.mean([f.score for f in fs]) for fs in by_candidate]),
            np.array([float(np.mean([f.seconds for f in fs])) for fs in by_candidate]),
            fits,
            default=None if default is None else next(f for f in fits if f.params == default),
        )


def _fits(
    spec: ModelSpec, points: list[dict], data: SplitData, cfg: Config, progress: Progress
) -> list[tuple[int, Fit]]:
    """Every (candidate, fold) task, slowest candidates first: (candidate, Fit) each, in the
    tasks' order."""
    from joblib import Parallel, delayed

    seed = cfg.data.seed
    parts = folds(spec, data, cfg.tuning.cv, seed)
    groups = plan(spec, points, seed)
    slowest_first = sorted(groups, key=lambda g: spec.cost(points[g.members[-1]]), reverse=True)
    tasks = [(g, f) for g in slowest_first for f in range(len(parts))]
    n_jobs = cfg.tuning.n_jobs if spec.search_in_parallel else 1
    blas = task_blas(cfg)
    settings = [fold_settings(spec, part[0]) for part in parts]

    def task(group: Group, f: int) -> Any:
        args = (group.task_args(points), *parts[f][:4], blas, settings[f])
        return delayed(group.fit)(spec, seed, *args)

    out: list[tuple[int, Fit]] = []
    counter = FitCounter(spec, len(points) * len(parts), progress)
    with on_backend(cfg):  # Parallel takes its backend when made: made inside the block
        run = Parallel(n_jobs=n_jobs, backend=joblib_backend(cfg), return_as="generator")
        for (group, f), fitted in zip(tasks, run(task(g, f) for g, f in tasks), strict=True):
            each = group.results(fitted)
            for i, (value, seconds, caught, est) in zip(group.members, each, strict=True):
                out.append((i, Fit(points[i], value, seconds, caught, est, parts[f][4])))
            counter.add(len(group.members))
    return out


GRID = GridStrategy()
