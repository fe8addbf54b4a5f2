"""Fuzzing the IDX loader: random bytes and mutated valid files either load as valid data or
raise reportgen's DataError, never anything else (no IndexError, ValueError, MemoryError...)."""

from __future__ import annotations

import gzip
import shutil
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.analysis.data import IDX_FILES, load_idx, read_idx
from reportgen.errors import DataError

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


RNG = np.random.default_rng(0)
VALID = {
    3: idx_bytes(RNG.integers(0, 256, (3, 28, 28))),
    1: idx_bytes(np.array([5, 0, 4])),
}

# One edit of a byte string: positions are taken modulo its length.
EDITS = st.one_of(
    st.tuples(st.just("set"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("dim"), st.integers(0, 2), st.integers(0, 2**32 - 1)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=64)),
)


def edit(raw: bytes, op: tuple) -> bytes:
    kind, *args = op
    n = max(len(raw), 1)
    if kind == "set":
        i = args[0] % n
        return raw[:i] + bytes([args[1]]) + raw[i + 1 :]
    if kind == "truncate":
        return raw[: args[0] % n]
    if kind == "insert":
        i = args[0] % n
        return raw[:i] + args[1] + raw[i:]
    if kind == "delete":
        i = args[0] % n
        return raw[:i] + raw[i + args[1] :]
    if kind == "dim":  # a header dimension: 4 bytes at 4 + 4*i (may fall past a short header)
        i = 4 + 4 * args[0]
        return raw[:i] + struct.pack(">I", args[1]) + raw[i + 4 :]
    return raw + args[0]


def load_or_data_error(path, ndim):
    """read_idx's array, checked against its own header, or None after a DataError."""
    try:
        array = read_idx(path, ndim)
    except DataError as exc:
        assert str(exc) and "\n" not in str(exc)
        return None
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    assert array.dtype == np.uint8 and array.shape == dims
    assert array.tobytes() == raw[4 + 4 * ndim :]
    return array


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "file-idx-ubyte"


@FUZZ
@given(data=st.binary(max_size=4096), ndim=st.sampled_from([1, 3]), gz=st.booleans())
def test_random_bytes(scratch, data, ndim, gz):
    scratch.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    load_or_data_error(scratch, ndim)


@FUZZ
@given(
    ndim=st.sampled_from([1, 3]),
    gz=st.booleans(),
    inside=st.booleans(),
    ops=st.lists(EDITS, min_size=1, max_size=4),
)
def test_mutated_valid_files(scratch, ndim, gz, inside, ops):
    """Edits of a valid file: of its IDX bytes (then maybe gzipped) or of its gzip stream."""
    raw = VALID[ndim]
    if inside or not gz:
        for op in ops:
            raw = edit(raw, op)
        data = gzip.compress(raw, mtime=0) if gz else raw
    else:
        data = gzip.compress(raw, mtime=0)
        for op in ops:
            data = edit(data, op)
    scratch.write_bytes(data)
    load_or_data_error(scratch, ndim)


def test_the_unmutated_files_load(scratch):
    for ndim, raw in VALID.items():
        scratch.write_bytes(raw)
        assert load_or_data_error(scratch, ndim) is not None


@pytest.fixture(scope="module")
def valid_folder(tmp_path_factory, make_mnist_dir):
    return make_mnist_dir(tmp_path_factory.mktemp("mnist") / "valid", n_train=12, n_test=6)


@settings(FUZZ, max_examples=100)
@given(
    which=st.sampled_from([name for pair in IDX_FILES.values() for name in pair]),
    ops=st.lists(EDITS, min_size=1, max_size=3),
    inside=st.booleans(),
)
def test_mutated_folder_loads_or_is_a_data_error(
    valid_folder, tmp_path_factory, which, ops, inside
):
    folder = tmp_path_factory.getbasetemp() / "mnist-fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(valid_folder, folder)
    path = folder / f"{which}.gz"
    data = path.read_bytes()
    if inside:
        raw = gzip.decompress(data)
        for op in ops:
            raw = edit(raw, op)
        data = gzip.compress(raw, mtime=0)
    else:
        for op in ops:
            data = edit(data, op)
    path.write_bytes(data)
    try:
        ds = load_idx(folder)
    except DataError:
        return
    assert ds.X.dtype == np.uint8 and ds.X.shape == (len(ds.y), 784) and len(ds.y) > 0
    assert ds.y.min() >= 0 and ds.y.max() <= 9
