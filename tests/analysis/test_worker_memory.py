"""The allocator of a Dask worker (MALLOC_TRIM_THRESHOLD_ set by its nanny), set for fitting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = "from reportgen.analysis.worker_memory import fit_friendly_malloc as f; print(f(), f())"


def _probe(env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_a_worker_started_with_a_small_trim_threshold_gets_one_for_fitting():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    assert _probe({**env, "MALLOC_TRIM_THRESHOLD_": "65536"}) == "True True"
    assert _probe(env) == "False False"  # a plain process keeps glibc's adaptive defaults
