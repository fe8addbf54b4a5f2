"""Warnings met while fitting: recorded per thread, then kept with their model and phase.

Python 3.11's warnings machinery is process-wide (`warnings.showwarning`, `warnings.filters`).
`recorded()` routes a warning to the recorder of the thread that raised it, so candidates fitted
in parallel threads, or two builds in one process, never see each other's warnings; a thread
that records nothing gets Python's usual behaviour. The hook is installed while any thread
records and removed, with the filters restored, when the last one stops.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator
from typing import Any

_lock = threading.Lock()
_recorders: dict[int, list[list[warnings.WarningMessage]]] = {}
_saved: dict[str, Any] = {}


def _route(message, category, filename, lineno, file=None, line=None) -> None:
    stack = _recorders.get(threading.get_ident())
    if stack:
        stack[-1].append(warnings.WarningMessage(message, category, filename, lineno, file, line))
    else:  # a thread that records nothing: Python's usual handler
        show = _saved.get("showwarning", warnings._showwarning_orig)
        show(message, category, filename, lineno, file, line)


@contextlib.contextmanager
def recorded() -> Iterator[list[warnings.WarningMessage]]:
    """Every warning this thread raises inside the block, repeats included, in a list."""
    caught: list[warnings.WarningMessage] = []
    tid = threading.get_ident()
    with _lock:
        if not _recorders:
            _saved["showwarning"] = warnings.showwarning
            _saved["filters"] = list(warnings.filters)
            warnings.showwarning = _route
            warnings.simplefilter("always")  # count repeats: no once-per-location registry
        _recorders.setdefault(tid, []).append(caught)
    try:
        yield caught
    finally:
        with _lock:
            stack = _recorders[tid]
            stack.remove(caught)
            if not stack:
                del _recorders[tid]
            if not _recorders:
                warnings.showwarning = _saved.pop("showwarning")
                warnings.filters[:] = _saved.pop("filters")
                warnings._filters_mutated()


class WarningLog:
    """Warnings met while fitting, deduplicated, with the model and phase they came from."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def add(self, model: str, phase: str, caught: list[warnings.WarningMessage]) -> None:
        for w in caught:
            message = str(w.message).strip().splitlines()[0]
            if message.startswith("Training interrupted by user"):
                # MLPClassifier swallows Ctrl-C and returns a half-trained model: pass it on,
                # so the build stops and the unfinished fit is never cached.
                raise KeyboardInterrupt
            for e in self.entries:
                if (e["model"], e["phase"], e["message"]) == (model, phase, message):
                    e["count"] += 1
                    break
            else:
                self.entries.append(
                    {
                        "model": model,
                        "phase": phase,
                        "category": w.category.__name__,
                        "message": message,
                        "count": 1,
                    }
                )
