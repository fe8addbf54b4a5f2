"""What a run records of its machine (results.json's `system`): everything that can move a digit.

Python, the platform, the CPU flags that select a kernel, each BLAS library with its kernel and
thread count (threadpoolctl, after NumPy and SciPy are loaded: each brings its own OpenBLAS),
and every installed distribution with its version.
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Any

from . import blas
from .stack import canonical


def distributions() -> dict[str, str]:
    """Every installed distribution -> its version, names normalised, sorted."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonical(name), dist.version)
    return dict(sorted(found.items()))


def blas_libraries() -> list[dict[str, Any]]:
    """Each BLAS library loaded once NumPy and SciPy are: library, version, kernel, threads,
    prefix, and who chose its kernel."""
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401
    from threadpoolctl import threadpool_info

    asked = blas.chosen_by()
    coretype = (blas.os.environ.get(blas.CORETYPE) or "").lower()
    out = []
    for lib in threadpool_info():
        if lib.get("user_api") != "blas":
            continue
        kernel = lib.get("architecture") or "unknown"
        # a kernel named too late (NumPy was loaded first) is not the one in use: say so
        chooser = asked if asked == "library" or coretype == kernel.lower() else "library"
        out.append(
            {
                "library": str(lib.get("internal_api")),
                "version": str(lib.get("version") or "unknown"),
                "kernel": kernel,
                "threads": int(lib.get("num_threads") or 0),
                "prefix": str(lib.get("prefix")),
                "chosen_by": chooser,
            }
        )
    return sorted(out, key=lambda b: (b["prefix"], b["library"], b["version"]))


def system_record() -> dict[str, Any]:
    """This process's machine, as results.json's `system` records it."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_features": blas.kernel_features(blas.cpu_flags()),
        "blas": blas_libraries(),
        "distributions": distributions(),
    }
