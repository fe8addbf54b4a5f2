"""glibc's allocator on a Dask worker, set back for fitting.

Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536 (memory goes back to the system
sooner). Setting it also switches off glibc's adaptive mmap threshold, so every large numpy
temporary is mapped and unmapped again, page by page: a rebuild of the sample's analysis took
74 s on a worker against 36 s in a plain process (measured, same machine). A task that fits
calls `fit_friendly_malloc()` first: on glibc, in a process started with that variable, it sets
the mmap threshold to glibc's adaptive maximum (32 MB) and the trim threshold to 256 MB, once
(31 s). Anywhere else it does nothing. Numbers do not change: only where memory comes from.
"""

from __future__ import annotations

import ctypes
import os
import threading

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
TRIM_THRESHOLD = 256 * 1024 * 1024

_done = False
_lock = threading.Lock()


def fit_friendly_malloc() -> bool:
    """Whether the allocator was set (now or before) for fitting."""
    global _done
    with _lock:
        if _done:
            return True
        if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
            return False
        try:
            libc = ctypes.CDLL("libc.so.6")
            ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
            ok = libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and ok
        except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to set
            return False
        _done = ok
        return ok
