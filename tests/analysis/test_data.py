"""IDX parsing (real files and corrupt ones), sources, fingerprints and subsets."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from reportgen.analysis.data import load_dataset, load_idx, read_idx, stratified_subset
from reportgen.errors import DataError

from ..helpers import write_idx


@pytest.mark.parametrize("compress", [True, False])
def test_synthetic_idx_loads_train_then_test(tmp_path, compress, make_mnist_dir):
    ds = load_idx(make_mnist_dir(tmp_path, compress=compress))
    assert ds.X.shape == (30, 784) and ds.X.dtype == np.uint8
    assert ds.y.tolist() == [i % 10 for i in range(20)] + [i % 10 for i in range(10)]
    assert ds.source == "idx"


def test_real_mnist_files(full_mnist):
    ds = load_idx(full_mnist)
    assert ds.X.shape == (70_000, 784)
    assert ds.y[:5].tolist() == [5, 0, 4, 1, 9]  # OpenML mnist_784 order
    assert ds.y[-5:].tolist() == [2, 3, 4, 5, 6]
    assert np.bincount(ds.y).tolist()[1] == 7877
    assert ds.X.max() == 255


def test_real_labels_file_header(full_mnist):
    labels = read_idx(full_mnist / "t10k-labels-idx1-ubyte.gz", 1)
    assert labels.shape == (10_000,)


CORRUPTIONS = {
    "wrong magic": (
        lambda p: write_idx(p, np.zeros((3, 28, 28)), magic=b"\x00\x00\x08\x01"),
        "magic",
    ),
    "truncated gzip": (lambda p: p.write_bytes(p.read_bytes()[:40]), "truncated or corrupt gzip"),
    "truncated body": (
        lambda p: p.write_bytes(gzip.compress(gzip.decompress(p.read_bytes())[:-100], mtime=0)),
        "truncated",
    ),
    "short header": (lambda p: p.write_bytes(b"\x00\x00\x08"), "too short"),
    "not gzip, not idx": (lambda p: p.write_bytes(b"hello world, no idx here" * 10), "magic"),
}


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_corrupt_images_file_is_a_clear_error(tmp_path, name, make_mnist_dir):
    folder = make_mnist_dir(tmp_path)
    corrupt, message = CORRUPTIONS[name]
    corrupt(folder / "train-images-idx3-ubyte.gz")
    with pytest.raises(DataError, match=message):
        load_idx(folder)


def test_count_mismatch(tmp_path, make_mnist_dir, write_idx):
    folder = make_mnist_dir(tmp_path)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.arange(7) % 10)
    with pytest.raises(DataError, match="20 images but 7 labels"):
        load_idx(folder)


def test_wrong_image_size(tmp_path, make_mnist_dir, write_idx):
    folder = make_mnist_dir(tmp_path)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((10, 20, 20)))
    with pytest.raises(DataError, match="28x28"):
        load_idx(folder)


def test_labels_outside_digits(tmp_path, make_mnist_dir, write_idx):
    folder = make_mnist_dir(tmp_path)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.full(10, 12))
    with pytest.raises(DataError, match="0-9"):
        load_idx(folder)


def test_empty_data_set(tmp_path, make_mnist_dir):
    folder = make_mnist_dir(tmp_path, n_train=0)
    with pytest.raises(DataError, match="empty"):
        load_idx(folder)


def test_missing_folder_and_file(tmp_path, make_mnist_dir):
    with pytest.raises(DataError, match="does not exist"):
        load_idx(tmp_path / "nowhere")
    folder = make_mnist_dir(tmp_path / "m")
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte"):
        load_idx(folder)


def test_auto_prefers_mnist_dir(tmp_path, monkeypatch, make_mnist_dir):
    folder = make_mnist_dir(tmp_path)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    ds = load_dataset("auto")
    assert ds.source == "idx" and "MNIST_DIR" in ds.reason


def test_auto_falls_back_to_sample(monkeypatch, tmp_path):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path))  # an empty OpenML cache
    ds = load_dataset("auto")
    assert ds.source == "sample" and len(ds.y) == 5000
    assert np.bincount(ds.y).tolist() == [500] * 10
    assert "embedded sample" in ds.reason


def test_openml_offline_error_names_other_sources(monkeypatch):
    import sklearn.datasets

    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    with pytest.raises(DataError, match="--dataset sample"):
        load_dataset("openml")


def test_fingerprint_is_stable_and_sensitive(tmp_path, sample, make_mnist_dir, write_idx):
    folder = make_mnist_dir(tmp_path / "a")
    copy = shutil.copytree(folder, tmp_path / "b")
    assert load_idx(folder).fingerprint == load_idx(copy).fingerprint
    write_idx(copy / "t10k-labels-idx1-ubyte.gz", (np.arange(10) + 1) % 10)
    assert load_idx(folder).fingerprint != load_idx(copy).fingerprint
    assert len(sample.fingerprint) == 64


def test_stratified_subset_keeps_class_balance(sample):
    sub = stratified_subset(sample, 1000, seed=1)
    assert len(sub.y) == 1000
    assert np.bincount(sub.y).tolist() == [100] * 10
    assert "subset of 1000 of 5000" in sub.reason


@pytest.mark.parametrize("n, message", [(6000, "larger than the data set"), (5, "too small")])
def test_bad_limits(sample, n, message):
    with pytest.raises(DataError, match=message):
        stratified_subset(sample, n, seed=0)
