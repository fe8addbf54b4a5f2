"""Coordinate descent on one Gram matrix per training fold, for every candidate of a grid.

Lasso and Elastic Net fit with precompute=True (ModelSpec.fixed): each fit would compute X^T X
of its fold. The planner computes it once per fold and each candidate's fit is handed it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ....models import ModelSpec


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


class GramPlanner:
    """Shares the fold's Gram matrix; groups no candidates."""

    name = "gram"
    # the same iterations as each fit's own matrix, but the last digits differ
    key_material: dict[str, Any] = {"gram": True}

    def groups(self, spec: ModelSpec, points: list[dict], seed: int) -> list[list[int]] | None:
        return None

    def fold_settings(self, X_fit: np.ndarray) -> dict[str, Any]:
        """precompute= the fold's matrix, or nothing for a fold that is not centred."""
        gram = gram_of(X_fit)
        return {} if gram is None else {"precompute": gram}


PLANNER = GramPlanner()
