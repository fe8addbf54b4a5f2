"""The data study: what the report says of the digits and of what scaling does to them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .data import Dataset
from .splits import SplitData


def data_facts(ds: Dataset, data: SplitData) -> dict[str, Any]:
    """What the report's data study shows: shape, types, ranges, class counts, previews."""
    X, y = ds.X, ds.y
    n = len(y)
    head, tail = list(range(min(5, n))), list(range(max(n - 5, 5), n))

    def rows(which: list[int]) -> list[dict[str, Any]]:
        return [{"index": i, "values": X[i, :10].tolist()} for i in which]

    return {
        "n_samples": n,
        "n_features": int(X.shape[1]),
        "image_shape": [28, 28],
        "pixel_dtype": str(X.dtype),
        "label_dtype": str(y.dtype),
        "pixel_min": int(X.min()),
        "pixel_max": int(X.max()),
        "pixel_mean": float(X.mean()),
        "pixels_zero_everywhere": int((X.max(axis=0) == 0).sum()),
        "split_sizes": {k: int(len(v)) for k, v in data.idx.items()},
        "class_counts": {
            "all": np.bincount(y, minlength=10).tolist(),
            **{k: np.bincount(y[v], minlength=10).tolist() for k, v in data.idx.items()},
        },
        "preview": {
            "columns": [f"pixel{i}" for i in range(1, 11)],
            "head": rows(head),
            "tail": rows(tail),
        },
        "target_summary": {
            "head": [[i, int(y[i])] for i in head],
            "tail": [[i, int(y[i])] for i in tail],
            "length": n,
            "categories": sorted(int(c) for c in np.unique(y)),
        },
        # the training split's first nine: shuffled by the split, so they show several digits
        # even where the data set is sorted by label (the embedded sample is)
        "first_digits": {
            "labels": y[data.idx["train"][:9]].tolist(),
            "pixels": X[data.idx["train"][:9]].tolist(),
        },
    }


def _max_abs(X: np.ndarray) -> float:
    """max |x| without an |X| copy (350 MB for the train split of full MNIST)."""
    return float(max(X.max(), -X.min()))


def scaling_facts(ds: Dataset, data: SplitData) -> dict[str, Any]:
    """What standardising does to rare pixels: constant ones and extreme z-scores per split."""
    zero_var = data.scaler.var_ == 0
    return {
        "zero_variance_pixels_train": int(zero_var.sum()),
        "max_abs_z": {k: _max_abs(data.X[k]) for k in ("train", "validation", "test")},
        "pixels_nonzero_outside_train": {
            k: int(((ds.X[data.idx[k]] > 0).any(axis=0) & zero_var).sum())
            for k in ("validation", "test")
        },
    }
