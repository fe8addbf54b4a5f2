"""An MLPClassifier trained epoch by epoch, and resumed, as the very model fit() would give.

`Runner` trains one candidate with partial_fit, one epoch per call, and can stop after any
epoch and go on later. It ends as the model a plain `fit()` with the same parameters gives (the
same weights, epochs and loss curve; tested), because it keeps fit()'s three habits:

- one random stream: the estimator gets a numpy RandomState made from the seed, which every
  partial_fit call goes on drawing from, where fit() draws from one made at its start;
- the rows in fit()'s order: fit() shuffles its index array again each epoch (cumulatively);
  partial_fit shuffles a fresh one. So each call is handed the rows in the order fit() would
  have them before that epoch's shuffle. The permutation partial_fit draws is replayed on a
  copy of the stream, and the copy must then equal the stream (checked every epoch);
- fit()'s stopping rule: after each epoch the estimator's own count of epochs without
  improvement (tol, n_iter_no_change) decides, and max_iter ends it with fit()'s warning.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..warning_log import recorded

MAX_ITER_MESSAGE = (
    "Stochastic Optimizer: Maximum iterations (%d) reached and the optimization hasn't "
    "converged yet."
)


def can_resume(estimator: Any) -> bool:
    """Whether partial_fit can continue this estimator as fit() would: a stochastic solver
    and no early stopping (partial_fit refuses it)."""
    params = estimator.get_params()
    return (
        hasattr(estimator, "partial_fit")
        and params.get("solver") in ("adam", "sgd")
        and not params.get("early_stopping", False)
    )


@dataclass
class Runner:
    """One candidate in training: its estimator, its random stream and where it stands."""

    params: dict[str, Any]
    estimator: Any
    seed: int
    rng: np.random.RandomState
    order: np.ndarray | None = None  # fit()'s row order before the next epoch's shuffle
    epochs: int = 0
    stopped: bool = False  # its stopping rule (or max_iter) ended it: it is a finished fit
    seconds: float = 0.0
    warnings: list[warnings.WarningMessage] = field(default_factory=list)
    score: float | None = None  # on the scoring rows, after the last advance

    @classmethod
    def start(cls, estimator: Any, params: dict[str, Any], seed: int) -> Runner:
        rng = np.random.RandomState(seed)
        estimator.set_params(random_state=rng)
        return cls(params, estimator, seed, rng)

    def advance(self, X: np.ndarray, y: np.ndarray, classes: np.ndarray, to_epochs: int) -> None:
        """Train until `to_epochs` epochs, or until its stopping rule ends it."""
        with recorded() as caught:
            t0 = time.perf_counter()
            while self.epochs < to_epochs and not self.stopped:
                self._epoch(X, y, classes)
            self.seconds += time.perf_counter() - t0
        self.warnings += caught
        self.estimator.n_iter_ = self.epochs  # partial_fit counts one per call

    def finish(self) -> Any:
        """The estimator, its random_state the seed again (as fit() leaves it)."""
        self.estimator.set_params(random_state=self.seed)
        return self.estimator

    def _epoch(self, X: np.ndarray, y: np.ndarray, classes: np.ndarray) -> None:
        est, n = self.estimator, len(y)
        before = self.rng.get_state()
        rows = (X, y) if self.order is None else (X[self.order], y[self.order])
        est.partial_fit(*rows, classes=classes)
        replay = np.random.RandomState()
        replay.set_state(before)
        if self.epochs == 0:
            _replay_initialisation(est, X.shape[1], replay)
        base = np.arange(n) if self.order is None else self.order
        if est.shuffle:
            from sklearn.utils import shuffle

            base = base[shuffle(np.arange(n), random_state=replay)]
        if not _same_state(replay, self.rng):
            raise RuntimeError(
                "MLPClassifier drew from its random stream in a way reportgen does not know: "
                "set tuning.epoch_halving = [] (this scikit-learn is newer than reportgen)"
            )
        self.order = base
        self.epochs += 1
        if est._no_improvement_count > est.n_iter_no_change:
            self.stopped = True  # fit() breaks here (adam; sgd when its rate cannot drop)
        elif self.epochs == est.max_iter:
            self.stopped = True
            warnings.warn(MAX_ITER_MESSAGE % est.max_iter, _convergence_warning(), stacklevel=2)


def _replay_initialisation(est: Any, n_features: int, replay: np.random.RandomState) -> None:
    """The draws of MLPClassifier._initialize: Glorot-uniform weights then biases, layer by
    layer (the bounds do not change how much of the stream a draw takes)."""
    units = [n_features, *est.hidden_layer_sizes, est.n_outputs_]
    for fan_in, fan_out in zip(units, units[1:], strict=False):
        replay.uniform(-1.0, 1.0, (fan_in, fan_out))
        replay.uniform(-1.0, 1.0, fan_out)


def _same_state(a: np.random.RandomState, b: np.random.RandomState) -> bool:
    sa, sb = a.get_state(), b.get_state()
    return bool(np.array_equal(sa[1], sb[1])) and sa[2:] == sb[2:]


def _convergence_warning() -> type[Warning]:
    from sklearn.exceptions import ConvergenceWarning

    return ConvergenceWarning
