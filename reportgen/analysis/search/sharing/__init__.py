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
    """Candidates (indices into the grid) fitted as one task per fold, by `fit`: a group of one
    by fit_candidate (its parameters, one result), a planner's group by its fit_group."""

    members: list[int]
    fit: Callable[..., Any] = fit_candidate

    def task_args(self, points: list[dict]) -> dict | list[dict]:
        """The parameters `fit` takes: a candidate's, or the group's list."""
        params = [points[i] for i in self.members]
        return params if self.fit is not fit_candidate else params[0]

    def results(self, fitted: Any) -> Fitted:
        """`fit`'s value as one (score, seconds, warnings, estimator) per member."""
        return fitted if self.fit is not fit_candidate else [fitted]


def planners(spec: ModelSpec) -> list[Planner]:
    """The planners this model allows, in the order it lists them."""
    return [PLANNERS[name] for name in spec.sharing]


def plan(spec: ModelSpec, points: list[dict], seed: int) -> list[Group]:
    """The grid's candidates as tasks: grouped by the first planner that groups them, the
    others each alone."""
    for planner in planners(spec):
        found = planner.groups(spec, points, seed)
        if found is not None:
            return [Group(g) if len(g) == 1 else Group(g, planner.fit_group) for g in found]
    return [Group([i]) for i in range(len(points))]


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
