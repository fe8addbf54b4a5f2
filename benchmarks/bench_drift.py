"""`make bench ARGS=--drift`: a class of 12 where 4 students rendered with another WeasyPrint.

One cold build on the embedded sample (the lock); 8 students render a copy of it with their own
author (`reportgen render COPY --config`), 4 more render theirs in environments of their own,
made with uv beside the project: 2 with WeasyPrint 68.1, 2 with WeasyPrint 69.0 (the opt-out
flag: their stack is untested). The 12 are then verified with `--jobs 2` from the locked
environment, twice: first with no environment made (verify makes the two render environments
in its cache folder), then again with them made (and, as on any second check of a class, the
fits and the 8 locked students' renders cached). Measured besides: making one render
environment with an empty environments folder (uv's wheel cache as it is), with an empty uv
cache too (every wheel from the package index), and once it is made (found in the cache).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

STUDENTS = 12
DRIFTED = {9: "68.1", 10: "68.1", 11: "69.0", 12: "69.0"}  # student -> WeasyPrint


def _uv(*args: str, env: dict[str, str]) -> None:
    import uv

    env = {**env, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([uv.find_uv_bin(), *args], check=True, env=env, capture_output=True)


def student_env(work: Path, weasyprint: str, env: dict[str, str]) -> Path:
    """A student's venv beside the project: reportgen, then WeasyPrint forced to a version."""
    root = Path(__file__).resolve().parents[1]
    venv = work / f"student-weasyprint-{weasyprint}"
    if not venv.is_dir():
        _uv("venv", "--quiet", "--python", sys.executable, str(venv), env=env)
        python = str(venv / "bin" / "python")
        _uv("pip", "install", "--quiet", "--python", python, str(root), env=env)
        _uv("pip", "install", "--quiet", "--python", python, "--no-deps",
            f"weasyprint=={weasyprint}", env=env)  # fmt: skip
    return venv / "bin" / "python"


def make_class(work: Path, env: dict[str, str], child) -> dict[str, Any]:
    """The cold build, then each student's copy rendered in the student's environment."""
    run = work / "runs" / "a"
    config = work / "a.toml"
    config.write_text(
        '[report]\nauthor = "Student 1"\ndate = "2026-01-15"\n[data]\ndataset = "sample"\n',
        encoding="utf-8",
    )
    cold, _, _ = child(
        [sys.executable, "-m", "reportgen", "build", "--config", str(config), "--out", str(run)],
        env,
    )
    folder = work / "class"
    folder.mkdir()
    shutil.copy(run / "report.pdf", folder / "s1.pdf")
    t0 = time.perf_counter()
    for n in range(2, STUDENTS + 1):
        copy = work / "runs" / f"s{n}"
        shutil.copytree(run, copy, ignore=shutil.ignore_patterns("runs", "models"))
        toml = work / f"s{n}.toml"
        toml.write_text(
            f'[report]\nauthor = "Student {n}"\ndate = "2026-01-15"\n[data]\ndataset = "sample"\n',
            encoding="utf-8",
        )
        python = student_env(work, DRIFTED[n], env) if n in DRIFTED else Path(sys.executable)
        argv = [str(python), "-m", "reportgen", "render", str(copy), "--config", str(toml)]
        child([*argv, "--untested-stack"], env)
        shutil.copy(copy / "report.pdf", folder / f"s{n}.pdf")
    return {"cold_build": cold, "students_seconds": time.perf_counter() - t0, "folder": folder}


def environment_costs(work: Path, env: dict[str, str]) -> dict[str, float]:
    """Seconds to make the WeasyPrint 68.1 render environment: uv's cache cold (a fresh one),
    uv's cache warm, and found made."""
    probe = (
        "import json, sys, time; from reportgen.environments.venvs import make_environment; "
        "t = time.perf_counter(); e = make_environment({'weasyprint': '68.1'}, sys.version); "
        "print(json.dumps({'seconds': time.perf_counter() - t, 'made': e.made}))"
    )
    costs = {}
    for label, extra in (
        ("uv_cache_cold", {"UV_CACHE_DIR": str(work / "uv-cache"),
                           "REPORTGEN_CACHE_DIR": str(work / "env-cold")}),
        ("uv_cache_warm", {"REPORTGEN_CACHE_DIR": str(work / "env-warm")}),
        ("made_before", {"REPORTGEN_CACHE_DIR": str(work / "env-warm")}),
    ):  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-c", probe], env={**env, **extra}, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        costs[label] = json.loads(done.stdout)["seconds"]
    return costs


def _verify(child, env: dict[str, str], cache: Path, folder: Path) -> dict[str, Any]:
    summary = cache.parent / f"summary-{cache.name}-{time.monotonic_ns()}"
    args = [sys.executable, "-m", "reportgen", "verify", str(folder), "--jobs", "2"]
    seconds, peak_mb, _ = child(
        [*args, "--summary", str(summary)], {**env, "REPORTGEN_CACHE_DIR": str(cache)}, ok=(0, 1)
    )
    data = json.loads((summary / "summary.json").read_text(encoding="utf-8"))
    verdicts = {Path(s["path"]).name: s["verdict"] for s in data["submissions"]}
    integrity = {Path(s["path"]).name: s["checks"].get("integrity") for s in data["submissions"]}
    return {"seconds": seconds, "peak_mb": peak_mb, "verdicts": verdicts, "integrity": integrity}


def drift_bench(work: Path, env: dict[str, str], child) -> dict[str, Any]:
    """Every measurement of the module's docstring: plain data for bench.json."""
    print("bench: the class (a cold build, 11 renders, 4 of them drifted)...", file=sys.stderr)
    made = make_class(work, env, child)
    print("bench: making a render environment (uv cold, warm, made)...", file=sys.stderr)
    costs = environment_costs(work, env)
    cache = work / "cache-verify"
    print("bench: verify 12 --jobs 2, no environment made yet...", file=sys.stderr)
    first = _verify(child, env, cache, made["folder"])
    print("bench: verify 12 --jobs 2 again, environments made...", file=sys.stderr)
    again = _verify(child, env, cache, made["folder"])
    return {
        "cold_build": made["cold_build"],
        "students_seconds": made["students_seconds"],
        "environment_seconds": costs,
        "verify_jobs2_first": first,
        "verify_jobs2_environments_made": again,
        "drifted": {f"s{n}.pdf": f"weasyprint {v}" for n, v in DRIFTED.items()},
    }


def format_drift(r: dict[str, Any]) -> str:
    """The drift bench as a table."""
    costs = r["environment_seconds"]
    lines = [
        f"a class of {STUDENTS} on the sample, 4 rendered with another WeasyPrint "
        "(68.1 x2, 69.0 x2), verified with --jobs 2",
        f"{'stage':<52}{'wall s':>9}{'peak MB':>9}",
        f"{'cold build (the lock)':<52}{r['cold_build']:>9.1f}",
        f"{'11 students rendered (4 in their own venvs)':<52}{r['students_seconds']:>9.1f}",
        f"{'a render environment, uv cache cold (index)':<52}{costs['uv_cache_cold']:>9.1f}",
        f"{'a render environment, uv cache warm':<52}{costs['uv_cache_warm']:>9.1f}",
        f"{'a render environment, made before (cached)':<52}{costs['made_before']:>9.2f}",
    ]
    for key, label in (
        ("verify_jobs2_first", "verify 12 --jobs 2, environments made on the way"),
        ("verify_jobs2_environments_made", "again: environments, fits, 8 renders cached"),
    ):
        s = r[key]
        lines.append(f"{label:<52}{s['seconds']:>9.1f}{s['peak_mb']:>9.0f}")
    final = r["verify_jobs2_environments_made"]
    counts: dict[str, int] = {}
    for name, verdict in final["verdicts"].items():
        tag = f"{verdict} ({final['integrity'][name]})"
        counts[tag] = counts.get(tag, 0) + 1
    lines.append("verdicts: " + ", ".join(f"{n} {t}" for t, n in sorted(counts.items())))
    return "\n".join(lines)
