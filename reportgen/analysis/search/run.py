"""A model's search, whatever its strategy: the best candidate and the Search record."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ...models import ModelSpec, estimator_grid
from .base import DefaultTask, Progress, Search, Strategy
from .registry import candidates, strategy_for

if TYPE_CHECKING:
    from ...config import Config
    from ..splits import SplitData


def run_search(
    spec: ModelSpec,
    grid: dict[str, list[Any]],
    data: SplitData,
    cfg: Config,
    progress: Progress,
    strategy: Strategy | None = None,
    default: DefaultTask = None,
) -> Search:
    """Every candidate of `grid`, searched by `strategy` (else the registry's, its fallback
    said): on the validation split (cv = 0) or k folds of train. `default`: for a strategy that
    yields the default fit (fit.fit_model); Search.default is that fit."""
    if strategy is None:
        choice = strategy_for(spec, cfg, grid)
        choice.tell(progress)
        strategy = choice.strategy
    points = candidates(grid)
    t0 = time.perf_counter()
    outcome = strategy.run(spec, points, data, cfg, progress, default)
    results = outcome.results()
    best = int(np.argmin(results["rank_test_score"]))  # the first of the best, as scikit-learn
    return Search(
        spec,
        cfg.data.seed,
        cfg.tuning.cv,
        estimator_grid(grid),
        results["params"][best],
        float(results["mean_test_score"][best]),
        results,
        outcome.fits,
        time.perf_counter() - t0,
        outcome.rounds,
        strategy.name,
        outcome.default,
    )
