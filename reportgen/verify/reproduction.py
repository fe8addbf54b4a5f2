"""Reproduction: rebuild the submission's analysis from its own config, through the cache, on
data whose fingerprint equals the recorded one, and compare every number."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..compare.diff import best_param_changes, confusion_rows, metric_rows
from ..errors import DataError, InputError
from ..numbers import pair, params
from ..results import Results

ANALYSIS_LIBRARIES = ("python", "numpy", "scipy", "scikit-learn")


@dataclass
class Reproduction:
    status: str  # reproduced | within_tolerance | differs
    details: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    data: str = ""  # where the matching data was found


def _candidates(data_dir: str | None) -> list[tuple[str, str]]:
    """(label, dataset spec) of each data set to try, in order."""
    out = []
    if data_dir:
        out.append((f"--data {data_dir}", f"idx:{data_dir}"))
    if os.environ.get("MNIST_DIR"):
        out.append((f"MNIST_DIR {os.environ['MNIST_DIR']}", f"idx:{os.environ['MNIST_DIR']}"))
    out.append(("the embedded sample", "sample"))
    return out


def find_data(results: Results, data_dir: str | None = None):
    """The data set whose fingerprint (after the config's subset) equals the recorded one."""
    from ..analysis.data import load_dataset, stratified_subset

    want = results.dataset
    n_samples, seed = results.config.data.n_samples, results.config.data.seed
    tried = []
    candidates = _candidates(data_dir)
    if want.source == "sample":  # the cheap one first
        candidates.sort(key=lambda c: c[1] != "sample")
    for label, spec in candidates:
        tried.append(label)
        try:
            ds = load_dataset(spec)
            if n_samples:
                if n_samples > len(ds.y):
                    continue
                ds = stratified_subset(ds, n_samples, seed)
        except DataError:
            continue
        if ds.fingerprint == want.fingerprint:
            return ds, label
    files = ", ".join(f.name for f in want.files or [])
    raise InputError(
        f"the submission's analysis ran on {want.source} data '{want.origin}' "
        f"({want.n_samples:,} digits{', files ' + files if files else ''}, fingerprint "
        f"{want.fingerprint[:16]}); none of {', '.join(tried)} has it: pass --data DIR with "
        "that data set's IDX files"
    )


def _environment(theirs: Results, ours: Results) -> list[str]:
    return [
        f"{lib} {theirs.environment.get(lib, 'unknown')} -> {ours.environment.get(lib)}"
        for lib in ANALYSIS_LIBRARIES
        if theirs.environment.get(lib) != ours.environment.get(lib)
    ]


def _metric_line(r: dict) -> str:
    """'Ridge tuned test rmse: 1.8154 -> 1.8161 (+0.0007)': English, as verify's words are."""
    old, new, change = pair(r["metric"], r["old"], r["new"], "en", "diff")
    return f"{r['name']} {r['phase']} {r['split']} {r['metric']}: {old} -> {new} ({change})"


def compare_analysis(theirs: Results, ours: Results, tolerance: float) -> Reproduction:
    """Every metric, best parameter and confusion-matrix cell, attached -> rebuilt."""
    rows = [r for r in metric_rows(theirs, ours, 0.0) if r["delta"] != 0]
    changed = best_param_changes(theirs, ours)
    cells = confusion_rows(theirs, ours)
    details = [_metric_line(r) for r in rows]
    details += [
        f"{p['name']} best parameters: {params(p['old'])} -> {params(p['new'])}" for p in changed
    ]
    details += [
        f"{c['name']} {c['phase']} confusion matrix: {len(c['cells'])} cell(s) differ, e.g. true "
        f"{c['cells'][0]['true']} as {c['cells'][0]['pred']}: "
        f"{c['cells'][0]['old']} -> {c['cells'][0]['new']}"
        for c in cells
    ]
    facts = [part for part in ("data", "scaling") if getattr(theirs, part) != getattr(ours, part)]
    details += [f"the {part} facts differ from the data's" for part in facts]
    environment = _environment(theirs, ours)
    if not details:
        return Reproduction("reproduced", [], environment)
    small = all(abs(r["delta"]) <= tolerance for r in rows) and not changed and not facts
    if small:
        why = "; versions that differ: " + ", ".join(environment) if environment else ""
        note = (
            f"every difference is within the tolerance {tolerance:g}{why} (the number of BLAS "
            "threads also changes the last digits of Ridge's RMSE)"
        )
        return Reproduction("within_tolerance", [note, *details], environment)
    return Reproduction("differs", details, environment)


def reproduce(
    results: Results, data_dir: str | None, cache, tolerance: float, progress=lambda *a, **k: None
) -> Reproduction:
    """Rebuild the analysis the submission's config describes and compare it."""
    from ..config import config_from_record
    from ..pipeline import analyse

    ds, where = find_data(results, data_dir)
    spec = "sample" if ds.source == "sample" else f"idx:{Path(ds.folder).name}"
    cfg = config_from_record(results.config.model_dump(mode="json"), spec)
    rebuilt, _, _ = analyse(cfg, progress, cache, dataset=ds)
    outcome = compare_analysis(results, rebuilt, tolerance)
    outcome.data = where
    return outcome
