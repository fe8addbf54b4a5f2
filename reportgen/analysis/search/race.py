"""Successive halving over epochs (tuning.epoch_halving): the MLP's candidates race.

Every candidate trains START_EPOCHS epochs and is scored on the validation split; the better
half goes on from where it stopped (epochs.Runner: no restart, Adam's state kept) to twice the
epochs, and so on until FINALISTS remain. They train until their own stopping rule ends them,
exactly as fit() would, and the better one is the tuned model, without a refit. A candidate
that converges before its round ends keeps its final score.

The grid search would train all candidates to the end; the race trains most of them a few
epochs. It picks another winner than the full grid only if that winner was not among the better
half after 5 epochs and the better two after 10 (measured on full MNIST: README).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ...models import ModelSpec
from ..blas import worker_blas
from .backend import joblib_backend, on_backend, task_blas
from .base import DefaultTask, Fallback, Fit, Outcome, Progress, said, scorer_for
from .epochs import Runner, can_resume

if TYPE_CHECKING:
    from ...config import Config
    from ..splits import SplitData

START_EPOCHS = 5
FINALISTS = 2


def advance(
    runner: Runner,
    X: np.ndarray,
    y: np.ndarray,
    classes: np.ndarray,
    to_epochs: int,
    X_score: np.ndarray,
    y_score: np.ndarray,
    metric: str,
    blas: int | None = None,
) -> Runner:
    """One task: train a candidate on to `to_epochs` epochs (or its stop), then score it."""
    with worker_blas(blas):
        runner.advance(X, y, classes, to_epochs)
        runner.score = float(scorer_for(metric)(runner.estimator, X_score, y_score))
    return runner


def _remaining_cost(runner: Runner, to_epochs: int) -> float:
    """Weights times epochs still to train: the longest tasks start first."""
    est = runner.estimator
    sizes = [784, *est.hidden_layer_sizes, 10]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    return weights * (min(to_epochs, est.max_iter) - runner.epochs)


class RaceStrategy:
    """Rounds over epochs: the better half of the candidates trains on where it stopped."""

    name = "epoch_halving"
    rounds = "epochs"
    key_material: dict[str, Any] = {"halving": False, "epoch_halving": True}
    queues_default = True
    default_said = (
        "its candidate goes on to its end in the race",
        "fitting in the race's final round",
        "(its candidate, trained on) {seconds:7.1f}s",
    )

    def fallback(self, spec: ModelSpec, points: list[dict], cfg: Config) -> Fallback | None:
        """Only on the validation split, with more candidates than finalists, each resumable."""
        if cfg.tuning.cv != 0:
            return Fallback("epoch halving needs tuning.cv = 0: the full grid instead")
        if len(points) <= FINALISTS:
            # every candidate would be a finalist: the race is the grid, nothing to say
            return Fallback("every candidate would be a finalist", said=False)
        if not all(can_resume(spec.build(cfg.data.seed, **p)) for p in points):
            return Fallback("a candidate cannot resume (solver, early_stopping): full grid")
        return None

    def yields_default(self, spec: ModelSpec, cfg: Config) -> bool:
        """In this process's threads only: a task sent to a Dask worker could not record the
        warnings of a default fitted there; and not for a model whose fits must not overlap."""
        return spec.search_in_parallel and cfg.tuning.backend != "dask"

    def run(
        self,
        spec: ModelSpec,
        points: list[dict],
        data: SplitData,
        cfg: Config,
        progress: Progress,
        default: DefaultTask = None,
    ) -> Outcome:
        """The race; `default`, the default's parameters (its candidate is trained on to its
        end) or a function that fits it, one more task of the final round (epoch_race)."""
        last = default if callable(default) else None
        finish = default if isinstance(default, dict) else None
        return epoch_race(spec, points, data, cfg, progress, last, finish)


def epoch_race(
    spec: ModelSpec,
    points: list[dict],
    data: SplitData,
    cfg: Config,
    progress: Progress,
    last: Callable[[], Any] | None = None,
    finish: dict[str, Any] | None = None,
) -> Outcome:
    """Race the candidates `points`: one Fit per candidate (the finalists' are finished
    models), the rounds, and as the default the extra task's result.

    One extra task may join the final round, queued behind the finalists in the same pool:
    with two workers it starts when the first finalist stops, on the core that finalist
    leaves, and never slows the other, whose epochs are the race's critical path. It is
    `last()` (the model's default, fitted on its own), or, for `finish` (the parameters of the
    default, when the grid holds them), a copy of that candidate's runner trained on from where
    the race left it to its own stop: the plain fit (epochs.Runner), as a finished Fit. A
    finalist needs no extra task: its own finished runner is the default. The race's record of
    the candidate (its score and epochs when it left) is not changed."""
    from joblib import Parallel, delayed

    seed = cfg.data.seed
    X, y = data.X["train"], data.y["train"]
    X_val, y_val = data.X["validation"], data.y["validation"]
    classes = np.unique(y)
    runners = [Runner.start(spec.build(seed, **p), p, seed) for p in points]
    alive = list(range(len(points)))
    reached = [0] * len(points)
    rounds: list[dict[str, Any]] = []
    blas = task_blas(cfg)
    epochs, t0 = START_EPOCHS, time.perf_counter()
    last_result = None
    chosen = points.index(finish) if finish is not None else None
    while True:
        final = len(alive) <= FINALISTS
        to = max(r.estimator.max_iter for r in runners) if final else epochs
        order = sorted(alive, key=lambda i: -_remaining_cost(runners[i], to))
        tasks = [
            delayed(advance)(runners[i], X, y, classes, to, X_val, y_val, spec.metric, blas)
            for i in order
        ]
        extra = final and (last is not None or (chosen is not None and chosen not in alive))
        if extra and last is not None:
            tasks.append(delayed(last)())
        elif extra:
            going_on = copy.deepcopy(runners[chosen])
            to_end = going_on.estimator.max_iter
            tasks.append(
                delayed(advance)(going_on, X, y, classes, to_end, X_val, y_val, spec.metric, blas)
            )
        with on_backend(cfg):
            done = Parallel(n_jobs=cfg.tuning.n_jobs, backend=joblib_backend(cfg))(tasks)
        if extra:
            last_result = done.pop()
        for i, runner in zip(order, done, strict=True):
            runners[i], reached[i] = runner, len(rounds)
        rounds.append({"candidates": len(alive), "epochs": None if final else epochs})
        progress(
            said(
                spec,
                f"race     round {len(rounds)}: {len(alive)} candidates"
                f"{'' if final else f' to {epochs} epochs'} {time.perf_counter() - t0:7.1f}s",
            ),
            transient=True,
        )
        if final:
            if chosen is not None and chosen in alive:
                last_result = runners[chosen]
            break
        keep = max(FINALISTS, math.ceil(len(alive) / 2))
        alive = sorted(sorted(alive, key=lambda i: -runners[i].score)[:keep])
        epochs *= 2
    fits = _fits(runners, alive)
    if finish is not None:  # the default's candidate, trained on to its stop: a finished Fit
        last_result = _fits([last_result], [0])[0]
    return Outcome(
        points,
        np.array([r.score for r in runners]),
        np.array([r.seconds for r in runners]),
        fits,
        reached=reached,
        rounds=rounds,
        more={"epochs": np.array([r.epochs for r in runners])},
        default=last_result,
    )


def _fits(runners: list[Runner], finalists: list[int]) -> list[Fit]:
    """A Fit per candidate; only the finalists' are finished (kept) models."""
    return [
        Fit(
            r.params,
            r.score,
            r.seconds,
            r.warnings,
            r.finish() if i in finalists else r.estimator,
            i in finalists,
        )
        for i, r in enumerate(runners)
    ]


RACE = RaceStrategy()
