"""The benchmarks live outside the package: not shipped, not hashed. What a report's code digest
and a build's render key read is one list, locations.code_files()."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest

from reportgen import pipeline
from reportgen.bundle.manifest import code_digest
from reportgen.cli import main
from reportgen.locations import PACKAGE_DIR, code_files, hash_files

from .helpers import BUILD_ARGS, write_fast_toml

ROOT = PACKAGE_DIR.parent
BENCHMARKS = ROOT / "benchmarks"


def test_the_benchmarks_are_outside_the_package_and_its_wheel():
    assert (BENCHMARKS / "bench.py").is_file() and (BENCHMARKS / "bench_class.py").is_file()
    assert (BENCHMARKS / "bench_compare.py").is_file()
    assert (BENCHMARKS / "bench_preview.py").is_file()
    assert not list(PACKAGE_DIR.rglob("bench*.py"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["setuptools"]["packages"]
    assert shipped and all(p == "reportgen" or p.startswith("reportgen.") for p in shipped)
    assert not any("bench" in name for name, _ in code_files())


def test_the_wheel_lists_every_package_of_reportgen():
    """The packages are listed by hand (the templates are mapped in): a new subpackage missing
    from the list would be left out of the wheel, and a user's install would fail on import."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(pyproject["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(init.parent.relative_to(ROOT).parts) for init in PACKAGE_DIR.rglob("__init__.py")
    }
    assert folders - shipped == set()


def test_make_bench_entry_point_runs_from_the_checkout():
    """`make bench` runs `python -m benchmarks.bench` in the checkout's top folder."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    for flag in ("--quick", "--no-reference", "--verify-only", "--class", "--compare", "--preview"):
        assert flag in proc.stdout


def test_the_code_digest_hashes_code_files():
    """The manifest's code digest is the hash of exactly code_files(): the same list the render
    key reads (below)."""
    h = hashlib.sha256()
    hash_files(h, code_files())
    assert code_digest.__wrapped__() == h.hexdigest()


def test_the_render_key_reads_code_files_and_nothing_beside_it(tmp_path):
    """A checkout's copy: the render key moves with every file code_files() lists (a module, a
    catalog) and with none beside the package (benchmarks/, tests/)."""
    package = tmp_path / "reportgen"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(BENCHMARKS, tmp_path / "benchmarks", ignore=shutil.ignore_patterns("__py*"))
    before = pipeline.render_key("{}", package=package)
    bench = tmp_path / "benchmarks" / "bench.py"
    bench.write_text(bench.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    (tmp_path / "benchmarks" / "bench_new.py").write_text("X = 1\n", encoding="utf-8")
    assert pipeline.render_key("{}", package=package) == before
    listed = dict(code_files(package))
    assert "metrics.py" in listed and "locale/sv/LC_MESSAGES/reportgen.po" in listed
    for name in ("metrics.py", "locale/sv/LC_MESSAGES/reportgen.po"):
        original = listed[name].read_bytes()
        listed[name].write_bytes(original + b"\n# changed\n")
        assert pipeline.render_key("{}", package=package) != before, name
        listed[name].write_bytes(original)
    assert pipeline.render_key("{}", package=package) == before


@pytest.fixture
def bench_edited():
    """benchmarks/bench.py edited and a new file added under benchmarks/, both undone after."""
    bench, added = BENCHMARKS / "bench.py", BENCHMARKS / f"_edited_{os.getpid()}.py"
    original = bench.read_bytes()
    try:
        bench.write_bytes(original + b"\n# an edit that must not touch any report\n")
        added.write_text("QUICK_LIMIT = 1\n", encoding="utf-8")
        yield
    finally:
        bench.write_bytes(original)
        added.unlink(missing_ok=True)


@pytest.mark.slow
def test_editing_the_benchmarks_leaves_an_earlier_report_reproduced(tmp_path, request):
    """A report built, then benchmarks/ edited: `verify` in a fresh process (which reads the code
    afresh) finds the same code, the same bytes, and says reproduced."""
    config = write_fast_toml(tmp_path / "fast.toml")
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(tmp_path / "out")]) == 0
    pdf = tmp_path / "out" / "report.pdf"
    request.getfixturevalue("bench_edited")
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "verify", str(pdf), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    entry = json.loads(proc.stdout)["submissions"][0]
    assert entry["verdict"] == "reproduced", entry
    assert entry["checks"]["integrity"] == "byte-identical", entry
    assert entry["checks"]["render_environment"] == "same", entry


def test_the_benchmark_tables_read_their_own_json():
    """format_report and format_class print what bench.json holds (no full run needed)."""
    from benchmarks.bench import format_report, format_verify
    from benchmarks.bench_class import format_class

    stage = {"seconds": 2.0, "peak_mb": 100.0}
    verify = {"cached": stage, "checked_again": {**stage, "seconds": 1.5}, "uncached": stage}
    report = {
        "n_samples": 10_000,
        "cpus": 2,
        "reference": {**stage, "seconds": 20.0},
        "cold": stage,
        "warm": stage,
        "render": stage,
        "floor": {"total": 1.0},
        "ratio_cold_to_reference": 0.1,
        "ratio_cold_to_floor": 2.0,
        "verify": {"sample": verify, "mnist": verify},
        "scores": {
            "ridge": {"metric": "rmse", "reference": 1.5, "reportgen": 1.25},
        },
    }
    text = format_report(report) + "\n" + format_verify(report)
    assert "MNIST digits: 10,000" in text and "ratio reportgen / reference: 0.100" in text
    assert "10,000 digits, uncached" in text and "sample, again (recalled)" in text
    run = {**stage, "builds": 1, "submissions": 4, "verdicts": {"reproduced": 4}}
    klass = {
        "cold_builds": {"a": 3.0},
        "three_cold_builds_seconds": 3.0,
        "verify_cold": {"3": run},
        "verify_cold_jobs2": run,
        "verify_cold_local_cluster": run,
        "verify_warm_one_per_configuration": run,
        "verify_warm_all": run,
        "seconds_per_extra_submission": 0.5,
    }
    assert "per extra submission of a built configuration: 0.5 s" in format_class(klass)
    sixty = {**run, "submissions": 60, "verdicts": {"reproduced": 59, "tampered": 1}}
    klass["class_of_60"] = {
        "first": run,
        "one_process": sixty,
        "jobs2": sixty,
        "checked_again": {**sixty, "seconds": 20.0},
        "seconds_per_submission_after_the_first": {
            "one_process": 1.25,
            "jobs2": 0.75,
            "checked_again": 0.3,
        },
        "wrong_verdicts": [],
    }
    text = format_class(klass)
    assert "(total - first) / 59: 1.25 s in one process, 0.75 s with --jobs 2" in text
    assert "checked again (renders recalled, one process): 0.30 s" in text
    assert "verify 60 again, renders recalled" in text
    assert "as expected" in text
    klass["class_of_60"]["wrong_verdicts"] = ["a4.pdf: reproduced (byte-identical)"]
    assert "WRONG: a4.pdf: reproduced" in format_class(klass)
