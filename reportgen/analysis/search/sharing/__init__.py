"""Work that candidates share, planned for any strategy: a model declares what it allows
(ModelSpec.sharing), and a planner computes something once per training fold for every
candidate (gram: the Gram matrix) or fits candidates together (lbfgs_path: one L-BFGS run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ....models import ModelSpec
from ..base import fit_candidate
from . import gram, lbfgs_path

Fitted = list[tuple[float, float, list, Any]]  # (score, seconds, warnings, estimator) each


class Planner(Protocol):
    """One way of sharing work, by the name a ModelSpec lists it under."""

    name: str
    key_material: dict[str, Any]  # what it adds to the cache key: what it changes in a fit

    def groups(self, spec: ModelSpec, points: list[dict], seed: int) -> list[list[int]] | None:
        """Candidates fitted as one task (fit_group), or None: it groups none."""
        ...

    def fold_settings(self, X_fit: np.ndarray) -> dict[str, Any]:
        """Estimator settings a training fold computes once for all its candidates."""
        ...

    # fit_group(spec, seed, group's parameters, X_fit, y_fit, X_score, y_score, blas,
    # settings) -> Fitted: a module function, so that a Dask worker unpickles it by name
    fit_group: Callable[..., Fitted]


PLANNERS: dict[str, Planner] = {p.name: p for p in (gram.PLANNER, lbfgs_path.PLANNER)}


@dataclass(frozen=True)
class Group:
    """Candidates (indices into the grid) fitted as one task per fold, by `fit`."""

    members: list[int]
    fit: Callable[..., Fitted]


def fit_alone(spec: ModelSpec, seed: int, group: list[dict], *fold: Any) -> Fitted:
    """A group of one: fit_candidate on the fold, with its settings (the last argument)."""
    return [fit_candidate(spec, seed, group[0], *fold)]


def planners(spec: ModelSpec) -> list[Planner]:
    """The planners this model allows, in the order it lists them."""
    return [PLANNERS[name] for name in spec.sharing]


def plan(spec: ModelSpec, points: list[dict], seed: int) -> list[Group]:
    """The grid's candidates as tasks: grouped by the first planner that groups them, the
    others each alone."""
    for planner in planners(spec):
        found = planner.groups(spec, points, seed)
        if found is not None:
            return [Group(g, fit_alone if len(g) == 1 else planner.fit_group) for g in found]
    return [Group([i], fit_alone) for i in range(len(points))]


def fold_settings(spec: ModelSpec, X_fit: np.ndarray) -> dict[str, Any]:
    """What every planner of this model computes once for a training fold."""
    out: dict[str, Any] = {}
    for planner in planners(spec):
        out.update(planner.fold_settings(X_fit))
    return out


def key_material(spec: ModelSpec) -> dict[str, Any]:
    """What the model's sharing adds to its cache key."""
    out: dict[str, Any] = {}
    for planner in planners(spec):
        out.update(planner.key_material)
    return out
