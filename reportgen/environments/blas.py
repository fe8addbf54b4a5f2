"""The BLAS kernel reportgen selects: one numeric path for every x86-64 machine.

OpenBLAS picks a kernel for the CPU it finds (SkylakeX on an AVX-512 machine, Haswell on an AVX2
one, Sandybridge on an AVX one), and each kernel sums in its own order: the same fit moves in
the last digits on the sample and, on full MNIST, the MLP ends elsewhere (41 of 100 tuned
confusion cells differed between Sandybridge and Haswell). Before NumPy loads, reportgen sets
OPENBLAS_CORETYPE=Haswell where the CPU runs it (avx2 and fma: Intel since 2013, AMD since Zen),
so two such machines compute the same bits. A kernel the environment already names is kept.

Nothing here imports NumPy: `select_kernel` runs first thing in reportgen/__init__.py.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

CORETYPE = "OPENBLAS_CORETYPE"
# the kernel reportgen selects, and the CPU flags it needs
CHOSEN_KERNEL = "Haswell"
# Set by select_kernel for this process: who chose the kernel (system.blas[].chosen_by).
CHOSEN_BY_ENV = "REPORTGEN_BLAS_CHOSEN_BY"

# OpenBLAS's x86-64 kernels (lower case, as OpenBLAS and threadpoolctl may spell them either
# way) -> the CPU flags (/proc/cpuinfo) a CPU needs to run them.
KERNEL_FLAGS: dict[str, frozenset[str]] = {
    "prescott": frozenset({"sse3"}),
    "core2": frozenset({"ssse3"}),
    "penryn": frozenset({"sse4_1"}),
    "dunnington": frozenset({"sse4_1"}),
    "nehalem": frozenset({"sse4_2"}),
    "atom": frozenset({"ssse3"}),
    "opteron": frozenset({"sse3"}),
    "barcelona": frozenset({"sse3"}),
    "bobcat": frozenset({"ssse3"}),
    "bulldozer": frozenset({"avx"}),
    "piledriver": frozenset({"avx", "fma"}),
    "steamroller": frozenset({"avx", "fma"}),
    "excavator": frozenset({"avx", "fma"}),
    "sandybridge": frozenset({"avx"}),
    "haswell": frozenset({"avx2", "fma"}),
    "zen": frozenset({"avx2", "fma"}),
    "skylakex": frozenset({"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}),
    "cooperlake": frozenset({"avx512f", "avx512bw", "avx512vl", "avx512_bf16"}),
    "sapphirerapids": frozenset({"avx512f", "avx512_bf16", "amx_tile"}),
}
# the flags a record keeps: those that select a kernel (NumPy's dispatch and OpenBLAS's)
KERNEL_CPU_FLAGS = (
    "sse3", "ssse3", "sse4_1", "sse4_2", "avx", "fma", "avx2", "avx512f", "avx512bw",
    "avx512vl", "avx512dq", "avx512cd", "avx512_bf16", "avx512_vnni", "amx_tile",
)  # fmt: skip


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str] | None:
    """The CPU's flags from /proc/cpuinfo (its first processor), or None where it is not
    readable (not Linux)."""
    try:
        with cpuinfo.open(encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.partition(":")[2].split())
                    if "pni" in flags:  # Linux's name of SSE3 (Prescott New Instructions)
                        flags.add("sse3")
                    return frozenset(flags)
    except OSError:
        return None
    return frozenset()


def kernel_features(flags: frozenset[str] | None) -> list[str]:
    """The flags that select a kernel, in KERNEL_CPU_FLAGS' order."""
    return [f for f in KERNEL_CPU_FLAGS if flags and f in flags]


def can_run(kernel: str, flags: frozenset[str] | None) -> bool:
    """Whether a CPU with `flags` runs OpenBLAS's `kernel` (False for a kernel not in the
    table: ARM's, Apple's Accelerate, an unknown name)."""
    need = KERNEL_FLAGS.get(kernel.lower())
    return need is not None and flags is not None and need <= flags


def is_x86_64(machine: str | None = None) -> bool:
    """Whether this is an x86-64 machine (OpenBLAS's x86 kernels apply)."""
    return (machine or platform.machine()).lower() in ("x86_64", "amd64")


def chosen_kernel(
    environ: dict[str, str] | os._Environ[str],
    flags: frozenset[str] | None,
    machine: str | None = None,
) -> tuple[str | None, str]:
    """(the kernel to set or None, who chose: "environment" | "reportgen" | "library")."""
    if environ.get(CORETYPE):
        return None, "environment"
    if is_x86_64(machine) and can_run(CHOSEN_KERNEL, flags):
        return CHOSEN_KERNEL, "reportgen"
    return None, "library"


def select_kernel() -> str:
    """Set OPENBLAS_CORETYPE=Haswell unless the environment names a kernel or the CPU cannot
    run it; who chose goes to REPORTGEN_BLAS_CHOSEN_BY (child processes inherit both). Returns
    who chose. Must run before NumPy or SciPy loads OpenBLAS."""
    if os.environ.get(CHOSEN_BY_ENV) == "reportgen" and os.environ.get(CORETYPE) == CHOSEN_KERNEL:
        return "reportgen"  # a child of a process that chose (verify's workers, a subprocess)
    kernel, who = chosen_kernel(os.environ, cpu_flags())
    if kernel:
        os.environ[CORETYPE] = kernel
    os.environ[CHOSEN_BY_ENV] = who
    return who


def chosen_by() -> str:
    """Who chose this process's kernel (select_kernel's answer)."""
    if os.environ.get(CHOSEN_BY_ENV):
        return os.environ[CHOSEN_BY_ENV]
    return "environment" if os.environ.get(CORETYPE) else "library"


def kernel_key() -> str:
    """The kernel this process's OpenBLAS runs, as a cache key knows it (lower case): once NumPy
    is loaded, the kernel threadpoolctl sees (OPENBLAS_CORETYPE set after NumPy loaded changes
    nothing); before, the kernel named, else the CPU flags OpenBLAS will pick from."""
    if "numpy" in sys.modules:
        from threadpoolctl import threadpool_info

        found = {
            str(lib.get("architecture") or "").lower()
            for lib in threadpool_info()
            if lib.get("user_api") == "blas"
        }
        if found - {""}:
            return ",".join(sorted(found - {""}))
    named = os.environ.get(CORETYPE)
    if named:
        return named.lower()
    return "auto:" + " ".join(kernel_features(cpu_flags()))
