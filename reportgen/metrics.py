"""The report's metrics in one place: which way is better, their scorers, a change's verdict.

RMSE (regressors) is better lower; accuracy and rounded accuracy are better higher. How a metric
is written (in every output and language) is reportgen/numbers.py's.
"""

from __future__ import annotations

RMSE = "rmse"
ACCURACY = "accuracy"
ROUNDED_ACCURACY = "rounded_accuracy"
METRICS = (RMSE, ROUNDED_ACCURACY, ACCURACY)
LOWER_IS_BETTER = frozenset({RMSE})
# Scores closer than this, relative, are equal: numeric noise (another BLAS kernel moves the
# sample's Ridge RMSE by 1.9e-12 relative; this is 500 times that, a million times below a shown
# digit). The report's ties, diff and compare all use it.
NOISE = 1e-9
# scikit-learn's scorer for each headline metric: larger is always better for a scorer
SCORERS = {RMSE: "neg_root_mean_squared_error", ACCURACY: "accuracy"}


def lower_is_better(metric: str) -> bool:
    """True for RMSE, False for accuracies."""
    return metric in LOWER_IS_BETTER


def scorer_sign(metric: str) -> float:
    """+1 or -1: the metric is sign x its scikit-learn scorer's value."""
    return -1.0 if lower_is_better(metric) else 1.0


def verdict(metric: str, old: float, new: float, tolerance: float = 0.0) -> str:
    """'better', 'worse' or 'same' (a change no larger than `tolerance`) for old -> new."""
    delta = new - old
    if abs(delta) <= tolerance:
        return "same"
    improved = delta < 0 if lower_is_better(metric) else delta > 0
    return "better" if improved else "worse"


def is_accuracy(metric: str) -> bool:
    """True for a share of correct answers (shown as a percentage)."""
    return metric in (ACCURACY, ROUNDED_ACCURACY)
