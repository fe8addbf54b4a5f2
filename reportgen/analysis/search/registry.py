"""The search strategies by name, and the one that searches a model's grid under a config.

As papermill's engines: each strategy is registered under the name results.json stores
(tuned.search). The config asks for one (tuning.halving wins over tuning.epoch_halving); where
it cannot search the candidates, the full grid does, for a reason said on the console. The fit,
the cache key and the report all ask here. Importing this module imports no scikit-learn:
rendering a stored run asks it by name.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from ...models import ModelSpec, estimator_grid
from .base import Fallback, Progress, Strategy, said
from .grid import GRID
from .halving import HALVING
from .race import RACE

if TYPE_CHECKING:
    from ...config import Config

STRATEGIES: dict[str, Strategy] = {s.name: s for s in (GRID, HALVING, RACE)}


def candidates(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The grid's candidates in scikit-learn's order (ranks and ties follow it)."""
    from sklearn.model_selection import ParameterGrid

    return list(ParameterGrid(estimator_grid(grid)))


class Choice:
    """A model's strategy under a config: the one asked for (the cache key holds it), and the
    one that runs, with why they differ. Whether it falls back is worked out when first needed
    (it builds the candidates: scikit-learn), so a cached run never does."""

    def __init__(self, spec: ModelSpec, cfg: Config, asked: Strategy, grid: dict | None) -> None:
        self.spec, self.cfg, self.asked = spec, cfg, asked
        self.grid = cfg.grids[spec.key] if grid is None else grid

    @cached_property
    def fallback(self) -> Fallback | None:
        return self.asked.fallback(self.spec, candidates(self.grid), self.cfg)

    @property
    def strategy(self) -> Strategy:
        """The strategy that runs: the one asked for, or the full grid."""
        return self.asked if self.fallback is None else GRID

    @property
    def reason(self) -> str:
        """Why the full grid runs instead of the one asked for ("" when it is the one)."""
        return "" if self.fallback is None else self.fallback.reason

    def tell(self, progress: Progress) -> None:
        """Say why the full grid runs instead, where that is news."""
        if self.fallback is not None and self.fallback.said:
            progress(said(self.spec, self.fallback.reason))


def strategy_for(spec: ModelSpec, cfg: Config, grid: dict | None = None) -> Choice:
    """The strategy for this model's grid (the config's, or `grid`), with its fallback."""
    if spec.key in cfg.tuning.halving:
        asked = HALVING
    elif spec.key in cfg.tuning.epoch_halving:
        asked = RACE
    else:
        asked = GRID
    return Choice(spec, cfg, asked, grid)


def strategy_named(name: str) -> Strategy:
    """The strategy a stored result names (tuned.search)."""
    return STRATEGIES[name]
