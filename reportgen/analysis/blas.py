"""The BLAS thread count of every fit: one knob (tuning.blas_threads), set the same way in every
path (a build, verify's processes, a Dask worker), because it changes the last digits of a float.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


def blas_threads(n: int) -> Any:
    """Every BLAS (and OpenMP) library of this process at n threads, inside the block.

    threadpoolctl sets the libraries loaded when it is called: scikit-learn's and SciPy's are
    loaded first."""
    import scipy.linalg  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n)


def blas_libraries() -> list[str]:
    """The BLAS and OpenMP libraries loaded in this process: 'openblas 0.3.27 (pthreads)'."""
    from threadpoolctl import threadpool_info

    found = []
    for lib in threadpool_info():
        name = f"{lib.get('internal_api')} {lib.get('version') or ''}".strip()
        if lib.get("threading_layer"):
            name += f" ({lib['threading_layer']})"
        if name not in found:
            found.append(name)
    return sorted(found)


@contextlib.contextmanager
def worker_blas(threads: int | None) -> Iterator[None]:
    """On another process (a Dask worker): the BLAS threads of the build, and an allocator set
    for fitting (worker_memory)."""
    if threads is None:
        yield
        return
    from .worker_memory import fit_friendly_malloc

    fit_friendly_malloc()

    with blas_threads(threads):
        yield
