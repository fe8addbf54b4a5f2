"""The model registry: every model the report compares, its family, factory and default grid.

Adding a model is adding one ModelSpec; tests run the same checks over every entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

REGRESSION = "regression"
CLASSIFICATION = "classification"
# A model's "preprocessing" in results.json: StandardScaler, or each pixel divided by 255.
STANDARD_SCALER, DIVIDE_BY_255 = "standard_scaler", "divide_by_255"


@dataclass(frozen=True)
class ModelSpec:
    """One model of the report: names, family, how to build it, what to tune."""

    key: str
    name: str  # scikit-learn's class name: results.json and the console (language-neutral)
    label: str  # the report's name for it, in English; the language layer translates it
    family: str
    factory: Callable[[int], BaseEstimator]
    grid: dict[str, list[Any]]
    # Search on float32 features: for estimators that keep float32 (MLPClassifier) this is
    # ~2.5x faster with the same validation scores; others would upcast to float64 anyway.
    float32: bool = False
    # LinearRegression's lstsq copies the 56,000 x 784 train matrix twice; two candidates at
    # once would add ~1 GB of peak memory to save a few seconds.
    search_in_parallel: bool = True
    # trained epoch by epoch with partial_fit, resumable as fit() would go on (search/epochs.py):
    # its candidates can race over epochs (tuning.epoch_halving)
    resumable: bool = False
    # the work its candidates may share, by planner (analysis/search/sharing): "lbfgs_path",
    # candidates that differ only in max_iter are one L-BFGS run read at each max_iter (the
    # same models for the cost of the longest); "gram", coordinate descent on a Gram matrix
    # (precompute=True) computed once per training fold for every candidate
    sharing: tuple[str, ...] = ()
    # settings of how reportgen computes the model, not tuned and not reported
    # (precompute=True for a Gram matrix); a plain user's estimator has scikit-learn's own
    fixed: dict[str, Any] = field(default_factory=dict)
    # A rough ordering of candidates by fit time, slowest first (larger key = slower). Threads
    # that start the long fits first finish together; the report still lists candidates in
    # scikit-learn's order. It changes no result.
    cost: Callable[[dict[str, Any]], tuple] = lambda params: ()

    def build(self, seed: int, **params: Any) -> BaseEstimator:
        """A fresh estimator with scikit-learn's defaults, the seed, reportgen's settings of how
        it computes (`fixed`), and `params` on top."""
        return self.factory(seed).set_params(**{**self.fixed, **params})

    def plain(self, seed: int) -> BaseEstimator:
        """scikit-learn's estimator with its own defaults and the seed, as a plain user makes it
        (the bench's reference)."""
        return self.factory(seed)

    @property
    def metric(self) -> str:
        """The headline metric: RMSE for regressors, accuracy for classifiers."""
        return "rmse" if self.family == REGRESSION else "accuracy"


def _mlp_cost(params: dict[str, Any]) -> tuple:
    sizes = [784, *params.get("hidden_layer_sizes", (100,)), 10]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    # stronger regularisation took more epochs to converge on MNIST
    return (weights * params.get("max_iter", 200), params.get("alpha", 1e-4))


def _estimator(path: str, seeded: bool = True) -> Callable[[int], BaseEstimator]:
    """A factory for the scikit-learn class at `path`, imported on first use: rendering and
    diffing a stored run never need scikit-learn (about 1 s of imports)."""
    module, name = path.rsplit(".", 1)

    def build(seed: int) -> BaseEstimator:
        cls = getattr(importlib.import_module(module), name)
        return cls(random_state=seed) if seeded else cls()

    return build


# Default grids cover the hyperparameters the report discusses; a config's [grids.KEY]
# table overrides them key by key.
MODELS: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in [
        ModelSpec(
            "linear",
            "LinearRegression",
            "Linear regression",
            REGRESSION,
            _estimator("sklearn.linear_model.LinearRegression", seeded=False),
            {"fit_intercept": [True, False]},
            search_in_parallel=False,
        ),
        ModelSpec(
            "lasso",
            "Lasso",
            "Lasso",
            REGRESSION,
            _estimator("sklearn.linear_model.Lasso"),
            {"alpha": [0.01, 0.1, 1.0]},
            cost=lambda p: (-p.get("alpha", 1.0),),  # weak penalty: more coordinate sweeps
            sharing=("gram",),
            fixed={"precompute": True},
        ),
        ModelSpec(
            "ridge",
            "Ridge",
            "Ridge",
            REGRESSION,
            _estimator("sklearn.linear_model.Ridge"),
            {"alpha": [1.0, 10.0, 100.0, 1000.0]},
        ),
        ModelSpec(
            "elasticnet",
            "ElasticNet",
            "Elastic Net",
            REGRESSION,
            _estimator("sklearn.linear_model.ElasticNet"),
            {"alpha": [0.01, 0.1, 1.0], "l1_ratio": [0.2, 0.5, 0.8]},
            cost=lambda p: (-p.get("alpha", 1.0),),
            sharing=("gram",),
            fixed={"precompute": True},
        ),
        ModelSpec(
            "logreg",
            "LogisticRegression",
            "Logistic regression",
            CLASSIFICATION,
            _estimator("sklearn.linear_model.LogisticRegression"),
            {"C": [0.01, 0.1, 1.0], "max_iter": [100, 300]},
            cost=lambda p: (p.get("max_iter", 100), p.get("C", 1.0)),  # weak penalty: more steps
            sharing=("lbfgs_path",),
        ),
        ModelSpec(
            "mlp",
            "MLPClassifier",
            "MLPClassifier",
            CLASSIFICATION,
            _estimator("sklearn.neural_network.MLPClassifier"),
            {
                "hidden_layer_sizes": [[100], [256]],
                "activation": ["relu", "tanh"],
                "alpha": [0.0001, 0.01],
                "max_iter": [200],
            },
            float32=True,
            resumable=True,
            cost=_mlp_cost,
        ),
    ]
}


def to_estimator_value(key: str, value: Any) -> Any:
    """TOML has no tuples: hidden_layer_sizes arrive as lists and become tuples here."""
    if key == "hidden_layer_sizes" and isinstance(value, list):
        return tuple(value)
    return value


def estimator_grid(grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The grid as scikit-learn wants it (tuples where the estimator expects them)."""
    return {k: [to_estimator_value(k, v) for v in vs] for k, vs in grid.items()}
