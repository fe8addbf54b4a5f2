"""The theory answers' live illustrations, computed from this run's data: k-fold
cross-validation of the three model kinds question 2 names (on a seeded subsample of the
training part), the best regressor's residuals on the test part (questions 3 and 4, and why R²
is not an accuracy), and k-means with ten clusters on the training part (question 6).

Cheap by design (about 5 s on full MNIST): the cross-validation sees CV_DIGITS digits, k-means
is MiniBatchKMeans. Cached like the models (experiment.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import MODELS
from .data import Dataset
from .splits import SplitData

CV_FOLDS = 5
CV_DIGITS = 3000  # of the training part: a random forest on all 56,000 would take minutes
# Julia's three models (question 2): linear regression, Lasso and a random forest, each with
# scikit-learn's defaults but a smaller forest (50 trees, sqrt of the pixels per split)
CV_MODELS = (
    ("LinearRegression", "sklearn.linear_model.LinearRegression", {}),
    ("Lasso", "sklearn.linear_model.Lasso", {}),
    (
        "RandomForestRegressor",
        "sklearn.ensemble.RandomForestRegressor",
        {"n_estimators": 50, "max_features": "sqrt"},
    ),
)
SEEDED = ("RandomForestRegressor",)
RESIDUAL_LOW, RESIDUAL_WIDTH, RESIDUAL_BINS = -4.0, 0.25, 32  # -4 .. +4 digits, ends clipped
K = 10


def _estimator(name: str, path: str, params: dict[str, Any], seed: int) -> Any:
    import importlib

    module, cls = path.rsplit(".", 1)
    kind = getattr(importlib.import_module(module), cls)
    return kind(**params, **({"random_state": seed} if name in SEEDED else {}))


def cross_validation(data: SplitData, seed: int) -> dict[str, Any]:
    """k-fold RMSE of each of Julia's models on a seeded subsample of the training part."""
    from sklearn.model_selection import KFold, cross_val_score

    X, y = data.X["train"], data.y["train"]
    n = min(CV_DIGITS, len(y))
    rows = np.sort(np.random.default_rng(seed).choice(len(y), n, replace=False))
    X, y = X[rows], y[rows]
    folds = KFold(CV_FOLDS, shuffle=True, random_state=seed)
    models = []
    for name, path, params in CV_MODELS:
        scores = cross_val_score(
            _estimator(name, path, params, seed),
            X,
            y,
            cv=folds,
            scoring="neg_root_mean_squared_error",
        )
        models.append({"name": name, "params": params, "rmse": [float(-s) for s in scores]})
    return {"folds": CV_FOLDS, "n_samples": int(n), "models": models}


def residuals(key: str, estimator: Any, data: SplitData) -> dict[str, Any]:
    """The regressor's test residuals (predicted minus true digit) as a histogram, with what
    they mean in digits: R², the share within half a digit, rounded right, within one digit."""
    pred = np.asarray(estimator.predict(data.X["test"]), dtype=np.float64)
    truth = data.y["test"].astype(np.float64)
    diff = pred - truth
    edges = RESIDUAL_LOW + RESIDUAL_WIDTH * np.arange(RESIDUAL_BINS + 1)
    clipped = np.clip(diff, edges[0], edges[-1] - RESIDUAL_WIDTH / 2)
    counts, _ = np.histogram(clipped, bins=edges)
    rounded = np.clip(np.rint(pred), 0, 9)
    spread = float(np.sum((truth - truth.mean()) ** 2))
    return {
        "model": key,
        "low": RESIDUAL_LOW,
        "width": RESIDUAL_WIDTH,
        "counts": [int(c) for c in counts],
        "n": int(len(truth)),
        "mean": float(diff.mean()),
        "rmse": float(np.sqrt(np.mean(diff**2))),
        "r2": float(1 - np.sum(diff**2) / spread) if spread else 0.0,
        "within_half": float(np.mean(np.abs(diff) < 0.5)),
        "rounded_accuracy": float(np.mean(rounded == truth)),
        "within_one": float(np.mean(np.abs(rounded - truth) <= 1)),
    }


def kmeans(ds: Dataset, data: SplitData, seed: int) -> dict[str, Any]:
    """MiniBatchKMeans with ten clusters on the training part's pixels (0-1), seeded: each
    centre as a 28 x 28 image, its size and its majority label. Clusters in the order of their
    majority label, then larger first."""
    from sklearn.cluster import MiniBatchKMeans

    X = ds.X[data.idx["train"]].astype(np.float32) / 255.0
    y = data.y["train"]
    km = MiniBatchKMeans(K, random_state=seed, n_init=3, batch_size=2048).fit(X)
    clusters = []
    for c in range(K):
        members = y[km.labels_ == c]
        counts = np.bincount(members, minlength=10)
        centre = np.clip(np.rint(km.cluster_centers_[c] * 255), 0, 255).astype(int)
        clusters.append(
            {
                "centre": centre.tolist(),
                "size": int(len(members)),
                "majority": int(counts.argmax()),
                "majority_count": int(counts.max()),
            }
        )
    clusters.sort(key=lambda c: (c["majority"], -c["size"]))
    return {"k": K, "n_samples": int(len(y)), "clusters": clusters}


def best_regressor(models: dict[str, Any]) -> str:
    """The regressor the report calls best: lowest tuned test RMSE, ties in registry order
    (as report/context.py chooses it)."""
    keys = [k for k, m in models.items() if m.family == "regression"]
    return min(keys, key=lambda k: (models[k].tuned.test.rmse, keys.index(k)))


def tuned_regressor(
    key: str, best_params: dict[str, Any], seed: int, model_data: SplitData, stored: bytes | None
) -> Any:
    """The tuned regressor: from its skops file (this build's or the cache's), else fitted
    again on the training part with the search's best parameters (a cached model stored
    before models were kept)."""
    if stored is not None:
        from .stored import loads_model

        model = loads_model(stored, f"the stored {key} model")
        return model["tuned"] if isinstance(model, dict) else model
    spec = MODELS[key]
    return spec.build(seed, **best_params).fit(model_data.X["train"], model_data.y["train"])


def compute(
    cfg: Any, ds: Dataset, data: SplitData, key: str, estimator: Any, model_data: SplitData
) -> dict[str, Any]:
    """Every illustration of the theory answers, as results.json's `illustrations`."""
    seed = cfg.data.seed
    return {
        "cross_validation": cross_validation(data, seed),
        "residuals": residuals(key, estimator, model_data),
        "kmeans": kmeans(ds, data, seed),
    }
