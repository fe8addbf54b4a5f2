"""The split and each model's inputs on small real data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from reportgen.analysis.splits import divided_by_255, inputs_for, split_and_scale


@pytest.fixture(scope="module")
def split(small):
    return split_and_scale(small, (0.8, 0.1, 0.1), seed=42)


def test_split_sizes_and_stratification(small, split):
    sizes = {k: len(v) for k, v in split.idx.items()}
    assert sizes == {"train": 480, "validation": 60, "test": 60}
    all_rows = np.concatenate(list(split.idx.values()))
    assert len(np.unique(all_rows)) == 600  # disjoint, complete
    for k, rows in split.idx.items():
        assert np.bincount(small.y[rows], minlength=10).tolist() == [sizes[k] // 10] * 10


def test_split_is_seeded(small, split):
    again = split_and_scale(small, (0.8, 0.1, 0.1), seed=42)
    other = split_and_scale(small, (0.8, 0.1, 0.1), seed=43)
    assert np.array_equal(again.idx["test"], split.idx["test"])
    assert not np.array_equal(other.idx["test"], split.idx["test"])


def test_scaler_is_fitted_on_train_only(small, split):
    train = small.X[split.idx["train"]].astype(float)
    np.testing.assert_allclose(split.scaler.mean_, train.mean(axis=0))
    np.testing.assert_allclose(split.X["train"].mean(axis=0)[split.scaler.var_ > 0], 0, atol=1e-9)


def test_divided_by_255_keeps_the_split_and_puts_pixels_in_0_1(small, split):
    div = divided_by_255(small, split)
    for k in ("train", "validation", "test"):
        np.testing.assert_array_equal(div.X[k], small.X[split.idx[k]] / 255.0)
        np.testing.assert_array_equal(div.y[k], split.y[k])
    assert div.X_all.dtype == np.float64
    assert div.X_all.min() == 0.0 and div.X_all.max() == 1.0  # the sample has black and white
    assert div.scaler is None


def test_each_model_gets_the_scaling_the_config_names(small, split, fast_config):
    assert fast_config.data.divide_by_255 == ("mlp",)
    assert inputs_for("mlp", fast_config, small, split).X_all.max() == 1.0
    assert inputs_for("logreg", fast_config, small, split) is split
    data = dataclasses.replace(fast_config.data, divide_by_255=())
    assert inputs_for("mlp", dataclasses.replace(fast_config, data=data), small, split) is split


def test_the_digits_figure_shows_the_training_splits_first_nine(sample):
    """The embedded sample is sorted by label: its own first nine are all zeros. The training
    split's first nine (shuffled by the split) show several digits."""
    from reportgen.analysis.facts import data_facts

    assert set(sample.y[:9].tolist()) == {0}
    data = split_and_scale(sample, (0.8, 0.1, 0.1), seed=42)
    first = data_facts(sample, data)["first_digits"]
    rows = data.idx["train"][:9]
    assert first["labels"] == sample.y[rows].tolist()
    assert first["pixels"] == sample.X[rows].tolist()
    assert len(set(first["labels"])) >= 5
