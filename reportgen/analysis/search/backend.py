"""Where a strategy's tasks run: threads of this process, or a Dask cluster (tuning.backend)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...config import Config


def joblib_backend(cfg: Config) -> str | None:
    """joblib's backend for the tasks: threads of this process, or the Dask cluster."""
    return "threading" if cfg.tuning.backend == "threads" else None


def task_blas(cfg: Config) -> int | None:
    """The BLAS thread count a task sets on its worker: on Dask only (threads share this
    process's setting, experiment.blas_threads)."""
    return cfg.tuning.blas_threads if cfg.tuning.backend == "dask" else None


@contextlib.contextmanager
def on_backend(cfg: Config) -> Iterator[None]:
    """Tasks in threads share this process's BLAS setting (experiment.blas_threads); on Dask
    each task sets the same thread count on its worker (task_blas)."""
    if cfg.tuning.backend == "threads":
        yield
        return
    from joblib import parallel_config

    try:
        from distributed import get_client

        get_client()
    except (ImportError, ValueError):
        from ...errors import ReportgenError

        raise ReportgenError(
            'tuning.backend = "dask" needs a Dask cluster: start one and pass '
            '--scheduler tcp://HOST:PORT (README, "A class at once")'
        ) from None
    with parallel_config(backend="dask"):
        yield
