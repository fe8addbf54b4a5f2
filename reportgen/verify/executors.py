"""Where verify's work runs: this process, a pool of spawned processes (`--jobs`), or a Dask
cluster (`--scheduler`). Each has submit(fn, *args, resources=None) -> a future with .result(),
resources_for(results_json) (the worker resources a rebuild asks for: only a cluster has any)
and close(cancel)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..errors import ReportgenError


def _process_init() -> None:
    """A verify process: one BLAS thread, so N processes do not fight (each fit also sets its
    own, from the config); Ctrl-C is the parent's to handle."""
    import signal

    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# ---- executors: submit(fn, *args) -> a future with .result(); close(cancel) ------------------


class Inline:
    """Runs each call here, at once: for one process and no cluster."""

    remote = False

    def resources_for(self, results_json: str) -> None:
        return None  # one machine: a rebuild on another kernel runs in a subprocess

    def submit(self, fn: Callable, *args: Any, resources: None = None) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001 (handed to the caller through the future)
            future.set_exception(exc)
        return future

    def close(self, cancel: bool = False) -> None:
        pass


class Processes:
    """`jobs` spawned processes on this machine."""

    remote = False

    def __init__(self, jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_process_init)

    def resources_for(self, results_json: str) -> None:
        return None

    def submit(self, fn: Callable, *args: Any, resources: None = None) -> Future:
        return self.pool.submit(fn, *args)

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


class DaskCluster:
    """A dask.distributed Client: each call is a task on the cluster's workers."""

    remote = True

    def __init__(self, scheduler: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ReportgenError(
                "--scheduler needs dask.distributed: pip install 'reportgen[cluster]'"
            ) from None
        absent = ReportgenError(
            f"no Dask scheduler answers at {scheduler}: start one with `dask scheduler` and "
            "give the address it prints (tcp://HOST:PORT)"
        )
        _reachable(scheduler, absent)
        try:
            self.client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError):
            raise absent from None

    def resources_for(self, results_json: str) -> dict[str, float] | None:
        """The worker resources a rebuild of this submission asks for (its BLAS kernel)."""
        from .kernels import worker_resources

        return worker_resources(self.client, results_json)

    def submit(self, fn: Callable, *args: Any, resources: dict | None = None) -> Any:
        return self.client.submit(fn, *args, pure=False, resources=resources)

    def close(self, cancel: bool = False) -> None:
        self.client.close()


def _reachable(address: str, absent: ReportgenError) -> None:
    """A refused or unknown tcp://HOST:PORT fails at once, not after the client's timeout."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise ReportgenError(f"--scheduler {address!r} is not an address: give tcp://HOST:PORT")
    if parts.scheme != "tcp":
        return  # tls:// and others: the client's own handshake decides
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError:
        raise absent from None


def executor(jobs: int, scheduler: str | None) -> Inline | Processes | DaskCluster:
    """Where the work runs: a Dask cluster, a pool of `jobs` processes, or this process."""
    if scheduler:
        return DaskCluster(scheduler)
    return Processes(jobs) if jobs > 1 else Inline()
