"""The 80/10/10 split and each model's inputs: standardised, divided by 255, or float32."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import Config, preprocessing_of
from ..errors import DataError
from ..models import DIVIDE_BY_255
from .data import Dataset

if TYPE_CHECKING:  # scikit-learn is imported when a split is made, not to read a cached run
    from sklearn.preprocessing import StandardScaler


@dataclass(frozen=True)
class SplitData:
    """Row indices of the three splits and their scaled features.

    The features of all rows live in one array ordered train, validation, test; each split is a
    view into it, so train + validation (the search's data) needs no copy.
    """

    idx: dict[str, np.ndarray]
    X_all: np.ndarray
    y_all: np.ndarray
    scaler: StandardScaler | None  # None: the pixels were divided by 255 instead

    def _bounds(self) -> dict[str, slice]:
        n_tr, n_val = len(self.idx["train"]), len(self.idx["validation"])
        return {
            "train": slice(0, n_tr),
            "validation": slice(n_tr, n_tr + n_val),
            "test": slice(n_tr + n_val, len(self.y_all)),
            "search": slice(0, n_tr + n_val),
        }

    @property
    def X(self) -> dict[str, np.ndarray]:
        """Features by split (views): train, validation, test, and search (train + validation)."""
        return {k: self.X_all[b] for k, b in self._bounds().items()}

    @property
    def y(self) -> dict[str, np.ndarray]:
        """Labels by split, as X."""
        return {k: self.y_all[b] for k, b in self._bounds().items()}


def _in_split_order(idx: dict[str, np.ndarray]) -> np.ndarray:
    """Row numbers of the data set ordered train, validation, test, as SplitData keeps them."""
    return np.concatenate([idx["train"], idx["validation"], idx["test"]])


def split_and_scale(ds: Dataset, fractions: tuple[float, float, float], seed: int) -> SplitData:
    """Stratified, seeded train/validation/test split; StandardScaler fitted on train only."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    n = len(ds.y)
    _, val_frac, test_frac = fractions
    n_val, n_test = round(n * val_frac), round(n * test_frac)  # exact sizes: 70,000 -> 7,000
    rows = np.arange(n)
    try:
        rest, test = train_test_split(rows, test_size=n_test, stratify=ds.y, random_state=seed)
        train, val = train_test_split(rest, test_size=n_val, stratify=ds.y[rest], random_state=seed)
    except ValueError as exc:
        raise DataError(
            f"{n} digits are too few for a stratified {fractions} split ({exc}): "
            "use more data (raise --limit)"
        ) from None
    idx = {"train": train, "validation": val, "test": test}
    order = _in_split_order(idx)
    X_all = ds.X[order].astype(np.float64)
    scaler = StandardScaler().fit(X_all[: len(train)])
    scaler.transform(X_all, copy=False)  # in place: no second 70,000 x 784 array
    return SplitData(idx, X_all, ds.y[order].astype(np.int64), scaler)


def divided_by_255(ds: Dataset, data: SplitData) -> SplitData:
    """The same split with every pixel divided by 255 (range 0-1) instead of standardised.

    StandardScaler turns a pixel that is almost always dark into extreme values in the rare image
    where it is lit (facts.scaling_facts); dividing by the pixel range keeps every input in 0-1.
    """
    X_all = ds.X[_in_split_order(data.idx)].astype(np.float64)
    X_all /= 255.0
    return SplitData(data.idx, X_all, data.y_all, None)


def inputs_for(key: str, cfg: Config, ds: Dataset, data: SplitData) -> SplitData:
    """The split a model is fitted on: `data` (standardised), or divided by 255 for it alone."""
    return divided_by_255(ds, data) if preprocessing_of(key, cfg) == DIVIDE_BY_255 else data


def as_float32(data: SplitData) -> SplitData:
    """The same split in float32: half the memory traffic for estimators that keep float32."""
    return SplitData(data.idx, data.X_all.astype(np.float32), data.y_all, data.scaler)
