"""Two runs -> structured differences (data, config, metrics, parameters, confusion cells,
warnings, report text), as plain data. Formatting lives in formats.py."""

from __future__ import annotations

import difflib
import json
from typing import Any

from ..metrics import verdict
from ..results import Results
from .noise import close
from .sources import Side

PHASES = ("default", "tuned")
SPLITS = ("validation", "test")
DATASET_KEYS = ("source", "n_samples", "fingerprint")


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): obj}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = _flatten(old), _flatten(new)
    keys = sorted(set(a) | set(b))
    return [{"key": k, "old": a.get(k), "new": b.get(k)} for k in keys if a.get(k) != b.get(k)]


def _shared_models(a: Results, b: Results) -> list[str]:
    return [k for k in a.models if k in b.models]


def metric_rows(a: Results, b: Results, tolerance: float) -> list[dict[str, Any]]:
    """Every metric of every model, phase and split in both runs: old, new, delta, verdict."""
    rows = []
    for key in _shared_models(a, b):
        ma, mb = a.models[key], b.models[key]
        for phase in PHASES:
            for split in SPLITS:
                old_scores = getattr(ma, phase).metrics(split)
                new_scores = getattr(mb, phase).metrics(split)
                for metric in (m for m in old_scores if m in new_scores):
                    old, new = old_scores[metric], new_scores[metric]
                    rows.append(
                        {
                            "model": key,
                            "name": mb.name,
                            "phase": phase,
                            "split": split,
                            "metric": metric,
                            "old": old,
                            "new": new,
                            "delta": new - old,
                            # noise (another BLAS kernel's last digits) is no change
                            "verdict": "same"
                            if close(old, new)
                            else verdict(metric, old, new, tolerance),
                        }
                    )
    return rows


def confusion_rows(a: Results, b: Results) -> list[dict[str, Any]]:
    """The confusion-matrix cells that changed, per model and phase."""
    rows = []
    for key in _shared_models(a, b):
        for phase in PHASES:
            ca = getattr(a.models[key], phase).confusion_matrix
            cb = getattr(b.models[key], phase).confusion_matrix
            if ca is None or cb is None:
                continue
            cells = [
                {
                    "true": i,
                    "pred": j,
                    "old": ca[i][j],
                    "new": cb[i][j],
                    "delta": cb[i][j] - ca[i][j],
                }
                for i in range(len(ca))
                for j in range(len(ca[i]))
                if ca[i][j] != cb[i][j]
            ]
            if cells:
                rows.append(
                    {"model": key, "name": b.models[key].name, "phase": phase, "cells": cells}
                )
    return rows


def best_param_changes(a: Results, b: Results) -> list[dict[str, Any]]:
    """The models whose search chose other parameters."""
    return [
        {
            "model": k,
            "name": b.models[k].name,
            "old": a.models[k].tuned.best_params,
            "new": b.models[k].tuned.best_params,
        }
        for k in _shared_models(a, b)
        if a.models[k].tuned.best_params != b.models[k].tuned.best_params
    ]


def _warning_set(results: Results) -> set[tuple[str, str, str]]:
    return {(w.model, w.phase, w.message) for w in results.warnings}


def compare(a: Side, b: Side, tolerance: float = 0.0) -> dict[str, Any]:
    """Everything that differs between two runs, as plain data."""
    ra, rb = a.results, b.results
    wa, wb = _warning_set(ra), _warning_set(rb)
    keys = ("model", "phase", "message")
    text = list(difflib.unified_diff(a.text, b.text, a.label, b.label, n=1, lineterm=""))
    metrics = metric_rows(ra, rb, tolerance)
    return {
        "a": a.label,
        "b": b.label,
        "tolerance": tolerance,
        "dataset": _changes(
            ra.dataset.model_dump(include=set(DATASET_KEYS)),
            rb.dataset.model_dump(include=set(DATASET_KEYS)),
        ),
        "config": _changes(ra.config.model_dump(mode="json"), rb.config.model_dump(mode="json")),
        "environment": _changes(dict(ra.environment), dict(rb.environment)),
        "metrics": [m for m in metrics if m["verdict"] != "same"],
        "best_params": best_param_changes(ra, rb),
        "confusion": [
            {
                **row,
                "old_matrix": getattr(ra.models[row["model"]], row["phase"]).confusion_matrix,
                "new_matrix": getattr(rb.models[row["model"]], row["phase"]).confusion_matrix,
            }
            for row in confusion_rows(ra, rb)
        ],
        "warnings": {
            "added": [dict(zip(keys, w, strict=True)) for w in sorted(wb - wa)],
            "removed": [dict(zip(keys, w, strict=True)) for w in sorted(wa - wb)],
        },
        "text": text,
    }


def has_differences(diff: dict[str, Any]) -> bool:
    """True when anything differs beyond the tolerance."""
    parts = ("dataset", "config", "environment", "metrics", "best_params", "confusion", "text")
    return any(diff[p] for p in parts) or any(diff["warnings"].values())


def any_worse(diff: dict[str, Any]) -> bool:
    """True when some metric got worse beyond the tolerance."""
    return any(m["verdict"] == "worse" for m in diff["metrics"])


def to_json(diff: dict[str, Any]) -> str:
    """The structured diff as JSON."""
    return json.dumps(diff, indent=2, ensure_ascii=False) + "\n"
