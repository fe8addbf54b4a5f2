"""A submission built on another BLAS kernel: rebuilt with that kernel where this CPU runs it
(a subprocess with OPENBLAS_CORETYPE set before NumPy loads), or on a Dask worker that has it
(worker resources `blas_<Kernel>`), or judged against the spread measured between kernels.

Measured on full MNIST (docs/notes-numeric.md): Sandybridge, Haswell and SkylakeX builds of the
same config differ in the MLP's path (an accuracy by up to 0.0013, 41-56 confusion cells of 100
by up to 12 digits) and in the regressors' last digits (1.5e-12 relative); no best parameter,
no data fact, nothing of logistic regression moved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..environments import blas
from ..errors import ReportgenError

# How far honest builds on different kernels spread, with room (measured by hand with
# OPENBLAS_CORETYPE = Sandybridge, Haswell and SkylakeX; docs/notes-numeric.md): an accuracy by
# 0.003 (measured 0.0013 on full MNIST; 0.002, one digit of 500, on the sample), an RMSE by 1e-6
# relative (measured 1.5e-12; another machine's path, ARM or Accelerate, may move more, and 1e-6
# is still far below a digit the report shows), a confusion cell by 20 digits (measured 12).
# A difference beyond these is not a kernel's.
KERNEL_SPREAD = {"accuracy": 0.003, "rmse": 1e-6, "cell": 20}
# the resource a Dask worker advertises for a kernel: `--resources "blas_SkylakeX=1"`
RESOURCE = "blas_{kernel}"


def recorded_kernel(results: Any) -> str | None:
    """The BLAS kernel a build recorded (one OPENBLAS_CORETYPE sets every library's), or None
    (schema < 7, or no BLAS found)."""
    system = getattr(results, "system", None)
    if system is None or not system.blas:
        return None
    return system.kernels()[0]


def this_kernel() -> str:
    """The kernel this process's OpenBLAS runs (threadpoolctl, once NumPy is loaded)."""
    from ..environments.record import blas_libraries

    libs = blas_libraries()
    return libs[0]["kernel"] if libs else "unknown"


def same_kernel(a: str | None, b: str | None) -> bool:
    """Whether two recorded kernels are one (OpenBLAS spells them in either case)."""
    return (a or "").lower() == (b or "").lower()


def runnable_here(kernel: str) -> bool:
    """Whether this machine runs OpenBLAS's `kernel` (x86-64, the CPU flags it needs)."""
    return blas.is_x86_64() and blas.can_run(kernel, blas.cpu_flags())


def rebuilt_on_its_kernel(
    results: Any, results_json: str, data_dir: str | None, use_cache: bool
) -> dict[str, Any] | None:
    """batch.rebuild's answer from a subprocess running the submission's recorded kernel, where
    it differs from this process's and this CPU runs it; else None (rebuild here)."""
    import time

    theirs = recorded_kernel(results)
    if not theirs or same_kernel(theirs, this_kernel()) or not runnable_here(theirs):
        return None
    t0 = time.perf_counter()
    made = rebuild_with_kernel(theirs, results_json, data_dir, use_cache)
    made["seconds"] = round(time.perf_counter() - t0, 2)
    return made


def worker_resources(client: Any, results_json: str) -> dict[str, int] | None:
    """The Dask resources a rebuild asks for: a submission built on BLAS kernel K goes to a
    worker that advertises `blas_K` (started with OPENBLAS_CORETYPE=K and --resources
    "blas_K=1"), where one does; elsewhere any worker takes it (and runs K in a subprocess
    where its CPU can)."""
    blas_libraries = (json.loads(results_json).get("system") or {}).get("blas") or []
    kernels = sorted({b["kernel"] for b in blas_libraries})
    if not kernels:
        return None
    wanted = RESOURCE.format(kernel=kernels[0])
    workers = client.scheduler_info().get("workers", {}).values()
    offered = any(wanted in (w.get("resources") or {}) for w in workers)
    return {wanted: 1} if offered else None


def rebuild_with_kernel(
    kernel: str, results_json: str, data_dir: str | None, use_cache: bool
) -> dict[str, Any]:
    """verify's rebuild (batch.rebuild) in a subprocess whose OpenBLAS runs `kernel`."""
    env = {**os.environ, blas.CORETYPE: kernel, blas.CHOSEN_BY_ENV: "environment"}
    with tempfile.TemporaryDirectory(prefix="reportgen-kernel-") as work:
        given, answer = Path(work) / "results.json", Path(work) / "rebuilt.json"
        given.write_text(results_json, encoding="utf-8")
        argv = [sys.executable, "-m", "reportgen.verify.kernel_job", str(given), str(answer)]
        argv += [data_dir or "", "cache" if use_cache else "no-cache"]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not answer.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
            raise ReportgenError(
                f"the rebuild with BLAS kernel {kernel} failed ({last}): run verify with "
                "--debug, or on a machine whose CPU picks that kernel"
            )
        return json.loads(answer.read_text(encoding="utf-8"))
