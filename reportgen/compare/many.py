"""Many runs side by side, as plain data: a row per run with the columns that differ (config
keys, data, library versions, each model's default and tuned test scores, best parameters),
the best value of each score, the key that orders the runs, and each classifier's confusion
matrix minus the baseline's. Formatting lives in many_formats.py and many_page.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..metrics import lower_is_better
from ..numbers import metric, param, params
from .confusion import Delta, delta
from .noise import all_close
from .sources import Named

PHASES = ("default", "tuned")
SPLIT = "test"
# the config keys that order the runs when they differ, first found first
ORDER_KEYS = ("data.seed", "dataset.n_samples", "data.n_samples", "data.dataset")
FINGERPRINT_DIGITS = 12


@dataclass(frozen=True)
class Column:
    """A column of the table: its key (`config.data.seed`, `mlp.tuned.accuracy`), its group
    (config, data, version, score, params) and, for a score, its model and metric."""

    key: str
    group: str
    model: str = ""
    metric: str = ""

    @property
    def heading(self) -> str:
        return self.key.split(".", 1)[1] if self.group in ("config", "version") else self.key


@dataclass
class Comparison:
    """Runs (in the order given), the baseline's index, every column and those shown, each
    run's raw values, the best of each score, the order of the plots, and per classifier each
    run's confusion change against the baseline."""

    runs: list[Named]
    baseline: int
    columns: list[Column]
    shown: list[Column]
    values: list[dict[str, Any]]
    best: dict[str, float]
    order_by: str
    order: list[int]
    deltas: dict[str, list[Delta]] = field(default_factory=dict)
    largest: dict[str, int] = field(default_factory=dict)

    @property
    def classifiers(self) -> list[str]:
        return list(self.deltas)


def _flatten(obj: Any, prefix: str) -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}.{k}"))
        return out
    return {prefix: obj}


def run_values(named: Named) -> tuple[dict[str, Any], list[Column]]:
    """One run's values by column key, and its columns in their order."""
    r = named.results
    values: dict[str, Any] = {}
    columns: list[Column] = []

    def put(column: Column, value: Any) -> None:
        values[column.key] = value
        columns.append(column)

    for key, value in _flatten(r.config.model_dump(mode="json"), "config").items():
        put(Column(key, "config"), value)
    put(Column("dataset.source", "data"), r.dataset.source)
    put(Column("dataset.n_samples", "data"), r.dataset.n_samples)
    put(Column("dataset.fingerprint", "data"), r.dataset.fingerprint[:FINGERPRINT_DIGITS])
    put(Column("version.reportgen", "version"), r.reportgen_version)
    for lib, version in r.environment.items():
        put(Column(f"version.{lib}", "version"), version)
    for key, model in r.models.items():
        for phase in PHASES:
            for name, value in getattr(model, phase).metrics(SPLIT).items():
                put(Column(f"{key}.{phase}.{name}", "score", key, name), value)
        put(Column(f"{key}.best", "params", key), model.tuned.best_params)
    return values, columns


def _same(values: list[Any]) -> bool:
    if all_close(values) and None not in values:  # scores that differ by noise alone
        return True
    texts = {json.dumps(v, sort_keys=True) for v in values}
    return len(texts) <= 1


def _order(differing: set[str]) -> str:
    """The key that orders the plots: the first of ORDER_KEYS that differs, else none."""
    for key in ORDER_KEYS:
        for prefix in ("config.", ""):
            if prefix + key in differing:
                return prefix + key
    return ""


def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, json.dumps(value))


def build(runs: list[Named], baseline: int = 0, show_all: bool = False) -> Comparison:
    """The comparison of `runs` (two or more) against `runs[baseline]`."""
    values: list[dict[str, Any]] = []
    columns: dict[str, Column] = {}
    for named in runs:
        row, cols = run_values(named)
        values.append(row)
        for c in cols:
            columns.setdefault(c.key, c)
    every = list(columns.values())
    differing = {c.key for c in every if not _same([v.get(c.key) for v in values])}
    shown = [c for c in every if show_all or c.key in differing]
    best = {}
    for c in every:
        if c.group == "score":
            scores = [v[c.key] for v in values if v.get(c.key) is not None]
            if scores and not all_close(scores):  # no best among equals
                best[c.key] = min(scores) if lower_is_better(c.metric) else max(scores)
    order_by = _order(differing)
    order = list(range(len(runs)))
    if order_by:
        order.sort(key=lambda i: _sort_key(values[i].get(order_by)))
    comparison = Comparison(runs, baseline, every, shown, values, best, order_by, order)
    base = runs[baseline].results.models
    for key, model in base.items():
        a = model.tuned.confusion_matrix
        if a is None:
            continue
        deltas = []
        for named in runs:
            other = named.results.models.get(key)
            b = other.tuned.confusion_matrix if other else None
            deltas.append(delta(a, b) if b is not None else delta(a, a))
        comparison.deltas[key] = deltas
        comparison.largest[key] = max(abs(x) for d in deltas for row in d.cells for x in row)
    return comparison


def text_of(column: Column, value: Any) -> str:
    """A value as a person reads it: a score by numbers.py, parameters as Python writes them."""
    if value is None:
        return ""
    if column.group == "score":
        return metric(column.metric, value, "en", "diff")
    if column.group == "params":
        return params(value)
    if isinstance(value, list | bool | float | int) and not isinstance(value, str):
        return param(value)
    return str(value)


def find_baseline(runs: list[Named], wanted: str | None) -> int:
    """The index of --baseline among the runs: by name or by the path given; the first if none."""
    if not wanted:
        return 0
    for i, named in enumerate(runs):
        if wanted in (named.name, named.path) or named.path.rstrip("/") == wanted.rstrip("/"):
            return i
    return -1
