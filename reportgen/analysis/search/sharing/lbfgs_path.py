"""Candidates that differ only in max_iter share one L-BFGS run, read at each max_iter.

scipy's L-BFGS-B looks at `maxiter` only to stop: after each new iterate it counts the iteration
and ends the run when the count reaches maxiter. So LogisticRegression(C=c, max_iter=100) ends at
exactly the 100th iterate of LogisticRegression(C=c, max_iter=300), which scikit-learn (1.9 and
later) hands to a fit callback as coef_ and intercept_. The grid's (c, 100) and (c, 300) then
cost one fit, the longer one:

- the run reached iteration 100: the short candidate is that iterate, with n_iter_ = 100 and the
  ConvergenceWarning scikit-learn gives a run stopped by max_iter;
- the run stopped sooner (converged): the short candidate is the same model, warnings included.

tests/analysis/test_lbfgs_path.py holds both against plain fits: the same coef_, intercept_,
n_iter_, score and warnings. Where the callback API is missing the candidates are fitted one by
one, with the same results.
"""

from __future__ import annotations

import copy
import time
import warnings
from typing import Any

import numpy as np

from ....models import ModelSpec
from ...blas import worker_blas
from ...warning_log import recorded
from ..base import scorer_for

_TASK = "lbfgs-iter"  # scikit-learn's name for one L-BFGS iteration in the callback tree
_AT_MAXITER = "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT"  # scipy's message for that stop


class _Iterates:
    """A fit callback that keeps the model at the iterations in `stops`: its coef_ and
    intercept_, the seconds since the fit began, and how many warnings the fit had raised."""

    def __init__(self, stops: set[int], caught: list[warnings.WarningMessage]) -> None:
        self.stops, self.caught, self.seen, self.count = stops, caught, {}, 0
        self.t0 = time.perf_counter()

    def setup(self, estimator, context) -> None:
        self.t0 = time.perf_counter()

    def teardown(self, estimator, context) -> None:
        pass

    def on_fit_task_begin(self, estimator, context) -> None:
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None) -> bool:
        if context.task_name == _TASK and fitted_estimator is not None:
            self.count += 1
            if self.count in self.stops:
                self.seen[self.count] = (
                    np.array(fitted_estimator.coef_),
                    np.array(fitted_estimator.intercept_),
                    time.perf_counter() - self.t0,
                    len(self.caught),
                )
        return False


def _stop_warning(max_iter: int) -> list[warnings.WarningMessage]:
    """The warning a run stopped by max_iter gives, raised by scikit-learn's own check."""
    from scipy.optimize import OptimizeResult
    from sklearn.linear_model._logistic import _LOGISTIC_SOLVER_CONVERGENCE_MSG
    from sklearn.utils.optimize import _check_optimize_result

    stopped = OptimizeResult(status=1, nit=max_iter, message=_AT_MAXITER)
    with recorded() as caught:
        _check_optimize_result("lbfgs", stopped, max_iter, _LOGISTIC_SOLVER_CONVERGENCE_MSG)
    return caught


def available() -> bool:
    """scikit-learn's fit callbacks and its convergence check, as this module uses them."""
    try:
        import sklearn.callback  # noqa: F401
        from sklearn.linear_model._logistic import _LOGISTIC_SOLVER_CONVERGENCE_MSG  # noqa: F401
        from sklearn.utils.optimize import _check_optimize_result  # noqa: F401
    except ImportError:
        return False
    return True


def path_groups(spec: ModelSpec, points: list[dict[str, Any]], seed: int) -> list[list[int]]:
    """The grid's candidates in groups that can share one run: the same parameters but
    max_iter, fitted by L-BFGS from scratch. Every other candidate is a group of its own.
    Each group lists its candidates by max_iter, the longest last."""
    if PLANNER.name not in spec.sharing or not available():
        return [[i] for i in range(len(points))]
    groups: dict[tuple, list[int]] = {}
    for i, params in enumerate(points):
        est = spec.build(seed, **params).get_params()
        if est["solver"] != "lbfgs" or est["warm_start"] or "max_iter" not in params:
            groups[("alone", i)] = [i]
            continue
        rest = tuple(sorted((k, repr(v)) for k, v in params.items() if k != "max_iter"))
        groups.setdefault(rest, []).append(i)
    return [sorted(g, key=lambda i: points[i]["max_iter"]) for g in groups.values()]


def fit_path(
    spec: ModelSpec,
    seed: int,
    group: list[dict[str, Any]],
    X_fit: np.ndarray,
    y_fit: np.ndarray,
    X_score: np.ndarray,
    y_score: np.ndarray,
    blas: int | None = None,
) -> list[tuple[float, float, list[warnings.WarningMessage], Any]]:
    """One task: the group's longest candidate fitted once and read at every shorter max_iter.

    (score, fit seconds, warnings, estimator) per candidate, in the group's order. A shorter
    candidate's seconds are those the run took to reach its last iteration."""
    scorer = scorer_for(spec.metric)
    longest = group[-1]
    with recorded() as caught, worker_blas(blas):
        iterates = _Iterates({p["max_iter"] for p in group[:-1]}, caught)
        estimator = spec.build(seed, **longest).set_callbacks(iterates)
        t0 = time.perf_counter()
        estimator.fit(X_fit, y_fit)
        seconds = time.perf_counter() - t0
        estimator.set_callbacks()  # a fitted model keeps no callback (it is cached, pickled)
        value = float(scorer(estimator, X_score, y_score))
    out = []
    for params in group[:-1]:
        max_iter = params["max_iter"]
        short = copy.deepcopy(estimator).set_params(max_iter=max_iter)
        if max_iter not in iterates.seen:  # the run ended sooner: the same model
            out.append((value, seconds, list(caught), short))
            continue
        short.coef_, short.intercept_, at, n_warned = iterates.seen[max_iter]
        short.n_iter_ = np.full_like(estimator.n_iter_, max_iter)
        with recorded() as scored, worker_blas(blas):
            short_value = float(scorer(short, X_score, y_score))
        out.append(
            (short_value, at, [*caught[:n_warned], *_stop_warning(max_iter), *scored], short)
        )
    return [*out, (value, seconds, caught, estimator)]


def fit_group(spec: ModelSpec, seed: int, group: list[dict[str, Any]], *fold: Any) -> list:
    """fit_path as a planner's task, on (X_fit, y_fit, X_score, y_score, blas, settings): a
    module function, which a Dask worker unpickles by name. The fold's settings are for
    candidates fitted one by one, not for one shared run."""
    return fit_path(spec, seed, group, *fold[:5])


class PathPlanner:
    """Groups the candidates that one L-BFGS run gives; shares nothing per fold."""

    name = "lbfgs_path"
    key_material: dict[str, Any] = {}  # the very models of one fit per candidate (tested)

    def groups(self, spec: ModelSpec, points: list[dict], seed: int) -> list[list[int]] | None:
        return path_groups(spec, points, seed)

    def fold_settings(self, X_fit: np.ndarray) -> dict[str, Any]:
        return {}

    fit_group = staticmethod(fit_group)


PLANNER = PathPlanner()
