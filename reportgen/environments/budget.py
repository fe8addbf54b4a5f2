"""A subprocess under a budget of time and memory: what runs a submission's own text.

A student's templates are code (Jinja2 compiles them, and folds constant expressions while it
does: `{% set s = 'xy' * 100000000 %}` costs 780 MB before any render), and a nested
`range(99999)` loop renders for hours; the sandbox stops neither. So a submission renders in a
child process with an address-space limit (RLIMIT_AS) and a wall-clock timeout; past either, the
child is killed (its whole process group) and the submission's verdict is an error with the
reason, while the class goes on. The same runner starts another environment's interpreter.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportgenError

# A child that ran out of its memory budget (a MemoryError it caught) exits with this code.
MEMORY_EXIT = 86
GB = 1024**3


class BudgetExceeded(ReportgenError):
    """A submission's render took more time or memory than its budget."""


@dataclass(frozen=True)
class Budget:
    """The time and memory one render may take. A report renders in 3-5 s, its process peaks
    near 0.6 GB of address space (measured: WeasyPrint, matplotlib and NumPy loaded)."""

    seconds: float = 60.0
    memory_bytes: int = 2 * GB

    def memory(self) -> str:
        """'2 GB', '300 MB'."""
        size = self.memory_bytes / GB
        return f"{size:g} GB" if size >= 1 else f"{self.memory_bytes / 1024**2:.0f} MB"

    def describe(self) -> str:
        """'60 s / 2 GB'."""
        return f"{self.seconds:g} s / {self.memory()}"


def budget_here() -> Budget:
    """The budget of one render: 60 s / 2 GB, or REPORTGEN_RENDER_SECONDS and
    REPORTGEN_RENDER_MB where set (every --jobs process inherits them)."""
    seconds = os.environ.get("REPORTGEN_RENDER_SECONDS")
    megabytes = os.environ.get("REPORTGEN_RENDER_MB")
    try:
        return Budget(
            float(seconds) if seconds else Budget.seconds,
            int(float(megabytes) * 1024**2) if megabytes else Budget.memory_bytes,
        )
    except ValueError:
        raise ReportgenError(
            "REPORTGEN_RENDER_SECONDS and REPORTGEN_RENDER_MB must be numbers: fix or unset them"
        ) from None


def _limit_memory(limit: int):
    def apply() -> None:  # in the child, before exec
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


def run_budgeted(
    argv: Sequence[str],
    budget: Budget,
    what: str,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run `argv` under `budget` (stdout and stderr captured); BudgetExceeded naming `what`
    ("its templates") when it runs out of time or memory. Any other exit is returned."""
    limits = _limit_memory(budget.memory_bytes) if sys.platform != "win32" else None
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limits,  # noqa: PLW1509 (no threads are started between fork and exec)
        start_new_session=True,  # its own process group: a timeout kills every child of it
    )
    try:
        out, err = process.communicate(timeout=budget.seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise BudgetExceeded(
            f"{what} took more than {budget.seconds:g} s to render: stopped at the budget "
            f"({budget.describe()})"
        ) from None
    except BaseException:
        _kill_group(process)
        raise
    text = err.decode("utf-8", "replace")
    # Under RLIMIT_AS a C library that cannot allocate aborts instead (GLib: "Error creating
    # thread", SIGTRAP, measured with 300 MB): a child killed by a signal ran out of memory too.
    if process.returncode == MEMORY_EXIT or process.returncode < 0 or "MemoryError" in text[-2000:]:
        raise BudgetExceeded(
            f"{what} took more than {budget.memory()} of memory to render: stopped at the "
            f"budget ({budget.describe()})"
        )
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
