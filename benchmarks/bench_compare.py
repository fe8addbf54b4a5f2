"""`make bench ARGS=--compare`: what `reportgen compare` costs over many runs.

The runs are made from the repository's two real frozen runs (tests/fixtures: the sample's 5,000
digits and a fast 300-digit build) as the tests make them: other seeds, each classifier's
confusion matrix and accuracy moved, each regressor's RMSE scaled, through the results model
(tests/helpers.py's vary_run). Each `reportgen compare` runs in its own process (wall time, peak
memory): the HTML page over RUNS runs (target: under TARGET_SECONDS), then JSON, and the HTML
over 5 runs. No MNIST needed; nothing is fitted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

RUNS = 200
TARGET_SECONDS = 10.0
FIXTURES = ("results_small.json", "results_fast.json")


def make_runs(folder: Path, n: int) -> list[Path]:
    """`n` run folders made from the real frozen runs."""
    from reportgen.results import read_results
    from tests.helpers import ROOT, vary_run

    bases = [read_results(ROOT / "tests" / "fixtures" / name) for name in FIXTURES]
    runs = []
    for i in range(n):
        run = folder / f"run-{i:03d}"
        run.mkdir(parents=True)
        varied = vary_run(bases[i % 2], seed=i + 1, moved=i % 5, rmse_factor=1 + (i % 17) / 100)
        (run / "results.json").write_text(varied.to_json(), encoding="utf-8")
        runs.append(run)
    return runs


def compare_bench(work: Path, env: dict[str, str], child) -> dict[str, Any]:
    """The stages: (seconds, peak MB, output bytes) of each `reportgen compare`."""
    runs = make_runs(work / "runs", RUNS)
    out: dict[str, Any] = {"runs": RUNS, "target_seconds": TARGET_SECONDS}
    stages = {
        f"html, {RUNS} runs": (["--format", "html"], [str(work / "runs" / "*")], "many.html"),
        f"json, {RUNS} runs": (["--format", "json"], [str(work / "runs" / "*")], "many.json"),
        "html, 5 runs": (["--format", "html"], [str(p) for p in runs[:5]], "five.html"),
    }
    for name, (flags, paths, file) in stages.items():
        print(f"bench: reportgen compare, {name}...", file=sys.stderr)
        target = work / file
        argv = [sys.executable, "-m", "reportgen", "compare", *paths, *flags, "--output"]
        seconds, peak, _ = child([*argv, str(target)], env)
        out[name] = {"seconds": seconds, "peak_mb": peak, "bytes": target.stat().st_size}
    out["html_file"] = str(work / "many.html")
    return out


def format_compare(r: dict[str, Any]) -> str:
    """The stages as a table, and whether the target was met."""
    lines = [f"{'reportgen compare':<24}{'wall s':>10}{'peak MB':>10}{'output KB':>11}"]
    for name, stage in r.items():
        if isinstance(stage, dict):
            lines.append(
                f"{name:<24}{stage['seconds']:>10.2f}{stage['peak_mb']:>10.0f}"
                f"{stage['bytes'] / 1024:>11.0f}"
            )
    html = r[f"html, {r['runs']} runs"]["seconds"]
    verdict = "met" if html < r["target_seconds"] else "MISSED"
    lines.append(
        f"target: the HTML over {r['runs']} runs in under {r['target_seconds']:.0f} s: {verdict}"
    )
    return "\n".join(lines)
