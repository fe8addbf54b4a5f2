"""The BLAS kernel reportgen selects, and what a run records of its machine."""

from __future__ import annotations

import os

from reportgen.environments import blas
from reportgen.environments.record import system_record
from reportgen.environments.stack import canonical
from reportgen.results import SystemRecord

AVX2 = frozenset({"sse3", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma"})
AVX512 = AVX2 | {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}


def test_haswell_is_chosen_on_an_x86_cpu_with_avx2_and_fma():
    assert blas.chosen_kernel({}, AVX2, "x86_64") == ("Haswell", "reportgen")
    assert blas.chosen_kernel({}, AVX512, "AMD64") == ("Haswell", "reportgen")


def test_a_kernel_the_environment_names_is_kept():
    env = {blas.CORETYPE: "Sandybridge"}
    assert blas.chosen_kernel(env, AVX512, "x86_64") == (None, "environment")


def test_the_library_chooses_where_haswell_cannot_run():
    assert blas.chosen_kernel({}, AVX2 - {"fma"}, "x86_64") == (None, "library")
    assert blas.chosen_kernel({}, AVX2, "aarch64") == (None, "library")
    assert blas.chosen_kernel({}, None, "x86_64") == (None, "library")  # no /proc/cpuinfo


def test_which_cpu_runs_which_kernel():
    assert blas.can_run("SkylakeX", AVX512) and not blas.can_run("SkylakeX", AVX2)
    assert blas.can_run("Sandybridge", AVX2) and blas.can_run("haswell", AVX2)
    assert not blas.can_run("neoversen1", AVX512)  # an ARM kernel: not on x86
    assert not blas.can_run("Haswell", None)


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu pni ssse3 avx avx2 fma\n\nflags : x\n")
    flags = blas.cpu_flags(info)
    assert flags is not None and {"sse3", "avx2", "fma"} <= flags  # pni is SSE3
    assert blas.kernel_features(flags) == ["sse3", "ssse3", "avx", "fma", "avx2"]
    assert blas.cpu_flags(tmp_path / "absent") is None


def test_this_process_records_the_kernel_in_use():
    """Whoever chose it, the record names the kernel threadpoolctl sees, and who chose it."""
    record = SystemRecord.model_validate(system_record())
    assert record.blas and all(b.kernel for b in record.blas)
    named = os.environ.get(blas.CORETYPE)
    for lib in record.blas:
        if lib.chosen_by != "library":
            assert named and lib.kernel.lower() == named.lower()
    assert "numpy" in record.distributions and "scikit-learn" in record.distributions
    assert list(record.distributions) == sorted(record.distributions)


def test_distribution_names_are_normalised():
    assert canonical("Scikit_Learn") == "scikit-learn"
    assert canonical("zope.interface") == "zope-interface"


def test_the_report_s_software_table_names_the_kernel(fixture_path):
    """A schema 7 run shows each BLAS library with its kernel; older runs show what they have."""
    from reportgen.report.context import _environment
    from reportgen.results import parse_results

    fast = parse_results((fixture_path.parent / "results_fast.json").read_text(encoding="utf-8"))
    shown = _environment(fast)
    assert fast.system is not None
    assert shown["BLAS"] == ", ".join(
        sorted({f"{b.library} {b.version} ({b.kernel})" for b in fast.system.blas})
    )
    small = parse_results(fixture_path.read_text(encoding="utf-8"))
    assert "BLAS" not in _environment(small) and _environment(small) == small.environment


def test_the_cache_keys_on_the_kernel_in_use():
    """Once NumPy is loaded, the key is the kernel threadpoolctl sees, whatever the variable
    says now (a variable set after NumPy loaded changes nothing)."""
    import numpy  # noqa: F401

    record = SystemRecord.model_validate(system_record())
    assert blas.kernel_key() == ",".join(sorted({k.lower() for k in record.kernels()}))
