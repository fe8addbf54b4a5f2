"""A fitted model's scores: RMSE and rounded accuracy, or accuracy, confusion matrix, per class."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    root_mean_squared_error,
)

from ..models import CLASSIFICATION, ModelSpec
from .splits import SplitData

DIGITS = list(range(10))


def jsonable(value: Any) -> Any:
    """A parameter value as JSON writes it: tuples as lists, numpy scalars as Python's."""
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def score(spec: ModelSpec, estimator: Any, data: SplitData) -> dict[str, Any]:
    """Validation and test metrics; classifiers add the confusion matrix and per-class scores."""
    out: dict[str, Any] = {}
    for split in ("validation", "test"):
        pred = estimator.predict(data.X[split])
        truth = data.y[split]
        if spec.family == CLASSIFICATION:
            out[split] = {"accuracy": float(accuracy_score(truth, pred))}
        else:
            rounded = np.clip(np.rint(pred), 0, 9)
            out[split] = {
                "rmse": float(root_mean_squared_error(truth, pred)),
                "rounded_accuracy": float(accuracy_score(truth, rounded)),
            }
        if split == "test" and spec.family == CLASSIFICATION:
            p, r, f, s = precision_recall_fscore_support(
                truth, pred, labels=DIGITS, zero_division=0
            )
            out["confusion_matrix"] = confusion_matrix(truth, pred, labels=DIGITS).tolist()
            out["per_class"] = {
                "precision": p.tolist(),
                "recall": r.tolist(),
                "f1": f.tolist(),
                "support": s.tolist(),
            }
    if spec.family != CLASSIFICATION and hasattr(estimator, "coef_"):
        out["max_abs_coef"] = float(np.abs(estimator.coef_).max())
    return out
