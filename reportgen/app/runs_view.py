"""What the app shows of an output folder's runs, as plain data (no Streamlit here).

The app reads runs only: results.json, run.json, the report PDF and the stored models of
OUT/runs/<id>/. It never fits a model and never writes a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import numbers
from ..errors import ReportgenError
from ..models import MODELS
from ..results import RESULTS_FILE, RUN_FILE, Results, read_results
from ..runs import RUNS_DIR, read_run


@dataclass(frozen=True)
class Run:
    """One run folder of OUT/runs/."""

    id: str
    folder: Path
    results: Results
    finished: str  # UTC, from run.json; "" when it has none

    @property
    def pdf(self) -> Path | None:
        path = self.folder / "report.pdf"
        return path if path.is_file() else None


def list_runs(out: Path) -> list[Run]:
    """Every readable run under OUT/runs/, newest first; unreadable ones are left out."""
    folder = Path(out) / RUNS_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir(), reverse=True):
        if path.name.startswith(".") or not (path / RESULTS_FILE).is_file():
            continue
        try:
            results = read_results(path)
        except ReportgenError:
            continue
        run = read_run(path / RUN_FILE)
        found.append(Run(path.name, path, results, run.finished_utc if run else ""))
    return found


def summary_rows(runs: list[Run], lang) -> list[dict[str, Any]]:
    """A table of runs: when, which data, how many digits, seed, each model's tuned score."""
    from ..report.context import model_names

    names = model_names(lang)
    rows = []
    for run in runs:
        r = run.results
        row = {
            lang.gettext("Run"): run.id,
            lang.gettext("Finished (UTC)"): run.finished.replace("T", " ")[:16],
            lang.gettext("Data"): f"{r.dataset.source}: {r.dataset.origin}",
            lang.gettext("Digits"): lang.integer(r.dataset.n_samples),
            lang.gettext("Seed"): r.config.data.seed,
        }
        for key, m in r.models.items():
            value = m.tuned.metrics("test")[m.metric]
            row[names[key]] = numbers.metric(m.metric, value, lang.code, "app")
        rows.append(row)
    return rows


def load_models(run: Run, phase: str = "tuned") -> tuple[dict[str, tuple[Any, str, str]], Any]:
    """The run's stored models of `phase` (default or tuned) as {key: (estimator, family,
    preprocessing)}, and its scaler."""
    from ..analysis.stored import SCALER, load_model, stored_models

    files = stored_models(run.folder)
    if not files or SCALER not in files:
        raise ReportgenError(
            f"run {run.id} has no stored models (built before models were kept, or its cache "
            "entries were): rebuild it with `reportgen build`"
        )
    models = {
        key: (load_model(files[key])[phase], spec.family, run.results.models[key].preprocessing)
        for key, spec in MODELS.items()
        if key in files
    }
    return models, load_model(files[SCALER])


def split_images(run: Run, data_dir: str | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The run's validation and test splits (pixels 0-255, labels), from the data set its
    fingerprint names (the embedded sample, MNIST_DIR or `data_dir`)."""
    from ..analysis.splits import split_and_scale
    from ..verify.reproduction import find_data

    ds, _ = find_data(run.results, data_dir)
    data = split_and_scale(ds, tuple(run.results.config.data.split), run.results.config.data.seed)
    return {s: (ds.X[data.idx[s]], ds.y[data.idx[s]]) for s in ("validation", "test")}


def confusion(estimator: Any, preprocessing: str, scaler: Any, pixels, labels) -> list[list[int]]:
    """A classifier's 10 x 10 confusion matrix on some images (rows: true digit)."""
    from .digits import features

    x = features(pixels, preprocessing, scaler) if len(pixels) else pixels
    if getattr(estimator, "coefs_", None) is not None:
        x = x.astype(estimator.coefs_[0].dtype)
    predicted = estimator.predict(x)
    matrix = np.zeros((10, 10), dtype=int)
    np.add.at(matrix, (np.asarray(labels, dtype=int), np.asarray(predicted, dtype=int)), 1)
    return matrix.tolist()
