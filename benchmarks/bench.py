"""`make bench`: the seed's method done plainly against reportgen's build, on the same data.

Each stage runs in its own process so its wall time and peak memory (max RSS) are its own:

- reference: the seed's method done plainly, on the build's inputs: every model with default
  parameters, then GridSearchCV with 3-fold CV on train, serial, refit on train, no cache,
  float64, plain estimators; each model gets the same pixels as in the build (standardised, or
  divided by 255 for the models in data.divide_by_255);
- cold: `reportgen build` (analysis, figures, HTML and PDF) with an empty cache;
- floor: each model's tuned parameters fitted once on train, on the features the build trains it on
  (float32 for the MLP), nothing else;
- warm: `reportgen build` again with nothing changed; render: `reportgen render`;
- verify: `reportgen verify` of the cold build's PDF, with its fits cached and without the
  cache (a cold build), on MNIST_DIR and on the embedded sample.

`--verify-only` runs the verify stages alone (no reference, no floor); `--class` verifies a
class of 12 on the sample (bench_class.py); `--compare` times `reportgen compare` over 200 runs
made from the frozen real runs (bench_compare.py; no MNIST needed); `--drift` verifies a class
of 12 where 4 students rendered with another WeasyPrint (bench_drift.py; no MNIST needed);
`--preview` times a save to the open page of `reportgen preview` in chromium (bench_preview.py;
no MNIST needed).

Prints a table and writes output/bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from reportgen import numbers
from reportgen.results import read_results

QUICK_LIMIT = 10_000


def _child(
    args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, float, str]:
    """Run a child process: (wall seconds, peak RSS in MB, stdout); an exit code not in `ok`
    stops the bench."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"bench: {' '.join(args[:4])} failed with exit {proc.returncode}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, out


def _load(limit: int):
    from reportgen.analysis.data import load_dataset, stratified_subset
    from reportgen.analysis.splits import split_and_scale
    from reportgen.config import DEFAULT_CONFIG, load_config

    # the config the cold build reads: ./report.toml if present, else the built-in defaults
    cfg = load_config(DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
    ds = load_dataset(cfg.data.dataset, cfg.data.mnist_dir)
    if limit:
        ds = stratified_subset(ds, limit, cfg.data.seed)
    return cfg, ds, split_and_scale(ds, cfg.data.split, cfg.data.seed)


def _test_score(spec, estimator, data) -> float:
    from reportgen.analysis.scoring import score

    return score(spec, estimator, data)["test"][spec.metric]


def reference(limit: int) -> dict[str, Any]:
    """The seed's way: default fit, then 3-fold GridSearchCV on train, serial, refit."""
    import warnings

    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    from reportgen.analysis.splits import inputs_for
    from reportgen.metrics import SCORERS
    from reportgen.models import CLASSIFICATION, MODELS, estimator_grid

    warnings.simplefilter("ignore")  # the same ConvergenceWarnings the build records

    cfg, ds, standardised = _load(limit)
    out: dict[str, Any] = {"n_samples": len(ds.y), "models": {}}
    for key, spec in MODELS.items():
        data = inputs_for(key, cfg, ds, standardised)
        t0 = time.perf_counter()
        default = spec.plain(cfg.data.seed).fit(data.X["train"], data.y["train"])
        splitter = StratifiedKFold if spec.family == CLASSIFICATION else KFold
        scoring = SCORERS[spec.metric]
        search = GridSearchCV(
            spec.plain(cfg.data.seed),
            estimator_grid(cfg.grids[key]),
            scoring=scoring,
            cv=splitter(3, shuffle=True, random_state=cfg.data.seed),
            n_jobs=None,
            refit=True,
        ).fit(data.X["train"], data.y["train"])
        out["models"][key] = {
            "default_test": _test_score(spec, default, data),
            "tuned_test": _test_score(spec, search.best_estimator_, data),
            "best_params": {k: str(v) for k, v in search.best_params_.items()},
            "seconds": time.perf_counter() - t0,
        }
        print(f"  reference {spec.name:<21} {out['models'][key]['seconds']:7.1f}s", file=sys.stderr)
    return out


def floor(limit: int, results_path: str) -> dict[str, Any]:
    """Each model's tuned parameters (from a reportgen run) fitted once on train, on the features
    the build's tuned model was trained on (float32 for a float32 search: the MLP)."""
    import warnings

    from reportgen.analysis.splits import as_float32, inputs_for
    from reportgen.models import MODELS, to_estimator_value

    warnings.simplefilter("ignore")
    cfg, ds, standardised = _load(limit)
    results = read_results(Path(results_path))
    seconds = {}
    for key, spec in MODELS.items():
        data = inputs_for(key, cfg, ds, standardised)
        data = as_float32(data) if results.models[key].float32 else data
        best = results.models[key].tuned.best_params
        params = {k: to_estimator_value(k, v) for k, v in best.items()}
        estimator = spec.build(cfg.data.seed, **params)
        t0 = time.perf_counter()
        estimator.fit(data.X["train"], data.y["train"])
        seconds[key] = time.perf_counter() - t0
    return {"seconds": seconds, "total": sum(seconds.values())}


def _stage(name: str, *extra: str, env: dict[str, str]) -> tuple[float, float, str]:
    return _child([sys.executable, "-m", "benchmarks.bench", "--stage", name, *extra], env)


def verify_stages(pdf: Path, env: dict[str, str]) -> dict[str, Any]:
    """`reportgen verify` of one report PDF: with its fits cached and its report rendered (the
    renders recorded in the cache folder forgotten first: what an instructor's first check of a
    submission costs), then checked again (the render recalled), then without the cache."""
    from reportgen.report.render_memo import FOLDER

    verify = [sys.executable, "-m", "reportgen", "verify", str(pdf)]
    shutil.rmtree(Path(env["REPORTGEN_CACHE_DIR"]) / FOLDER, ignore_errors=True)
    cached_s, cached_mb, _ = _child(verify, env)
    again_s, again_mb, _ = _child(verify, env)
    uncached_s, uncached_mb, _ = _child([*verify, "--no-cache"], env)
    return {
        "cached": {"seconds": cached_s, "peak_mb": cached_mb},
        "checked_again": {"seconds": again_s, "peak_mb": again_mb},
        "uncached": {"seconds": uncached_s, "peak_mb": uncached_mb},
    }


def sample_verify(work: Path, env: dict[str, str]) -> dict[str, Any]:
    """A cold build on the embedded sample, its verification (cached and uncached), then
    render-only of it (`reportgen render`: HTML and PDF from the stored run)."""
    out = work / "sample"
    build = [sys.executable, "-m", "reportgen", "build", "--dataset", "sample", "--out", str(out)]
    cold_s, _, _ = _child(build, env)
    verified = verify_stages(out / "report.pdf", env)
    render_s, render_mb, _ = _child([sys.executable, "-m", "reportgen", "render", str(out)], env)
    render = {"seconds": render_s, "peak_mb": render_mb}
    return {"cold_build_seconds": cold_s, **verified, "render": render}


def main(argv: list[str] | None = None) -> int:
    """Run every stage and print the comparison; --quick uses a 10,000-digit subset."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench")
    p.add_argument("--quick", action="store_true", help=f"a stratified {QUICK_LIMIT:,} subset")
    p.add_argument("--verify-only", action="store_true", help="only the verify stages")
    p.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the seed's method (27 minutes on full MNIST): the build's stages and the floor",
    )
    p.add_argument(
        "--class", dest="klass", action="store_true", help="verify a class of 12 (the sample)"
    )
    p.add_argument(
        "--compare", action="store_true", help="reportgen compare over 200 runs (no MNIST needed)"
    )
    p.add_argument(
        "--drift",
        action="store_true",
        help="a class of 12, 4 with another WeasyPrint, verified --jobs 2 (no MNIST needed)",
    )
    p.add_argument(
        "--preview",
        action="store_true",
        help="reportgen preview: a save to the open page in chromium, on the sample (no MNIST)",
    )
    p.add_argument("--out", default="output/bench.json")
    p.add_argument("--stage", help=argparse.SUPPRESS)
    p.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--results", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.stage == "reference":
        print(json.dumps(reference(args.limit)))
        return 0
    if args.stage == "floor":
        print(json.dumps(floor(args.limit, args.results)))
        return 0
    side = next((s for s in ("compare", "drift", "preview") if getattr(args, s)), None)
    if side is not None:  # a bench of its own module, in a work folder of its own
        from . import bench_compare, bench_drift, bench_preview

        run, fmt = {
            "compare": (bench_compare.compare_bench, bench_compare.format_compare),
            "drift": (bench_drift.drift_bench, bench_drift.format_drift),
            "preview": (bench_preview.preview_bench, bench_preview.format_preview),
        }[side]
        work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
        env = {**os.environ, "REPORTGEN_CACHE_DIR": str(work / "cache")}
        report = {"cpus": os.cpu_count(), side: run(work, env, _child)}
        return _write(report, Path(args.out).with_name(f"bench-{side}.json"), fmt(report[side]))
    if "MNIST_DIR" not in os.environ:
        default = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
        if not default.is_dir():
            raise SystemExit("bench: set MNIST_DIR to the folder of the four MNIST IDX files")
        os.environ["MNIST_DIR"] = str(default)
    limit = QUICK_LIMIT if args.quick else 0
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(work / "cache")}
    if args.klass:
        from .bench_class import class_bench, format_class

        report = {"cpus": os.cpu_count(), "class": class_bench(work, env, _child)}
        out = Path(args.out).with_name("bench-class.json")
        return _write(report, out, format_class(report["class"]))
    run_out = work / "out"
    build = [sys.executable, "-m", "reportgen", "build", "--out", str(run_out)]
    if limit:
        build += ["--limit", str(limit)]
    print("bench: verify on the embedded sample...", file=sys.stderr)
    verify_sample = sample_verify(work, env)
    if args.verify_only:
        print("bench: cold build, then verify...", file=sys.stderr)
        cold_s, _, _ = _child(build, env)
        report = {
            "n_samples": read_results(run_out).dataset.n_samples,
            "cold": {"seconds": cold_s},
            "verify": {
                "sample": verify_sample,
                "mnist": verify_stages(run_out / "report.pdf", env),
            },
        }
        return _write(report, Path(args.out), format_verify(report))
    ref_s, ref_mb, ref = 0.0, 0.0, None
    if not args.no_reference:
        print("bench: reference (seed's method)...", file=sys.stderr)
        ref_s, ref_mb, ref_out = _stage("reference", "--limit", str(limit), env=env)
        ref = json.loads(ref_out)
    print("bench: reportgen cold build...", file=sys.stderr)
    cold_s, cold_mb, _ = _child(build, env)
    results = read_results(run_out)
    print("bench: warm rebuild, render, floor...", file=sys.stderr)
    warm_s, warm_mb, _ = _child(build, env)
    render_s, render_mb, _ = _child(
        [sys.executable, "-m", "reportgen", "render", str(run_out)], env
    )
    _, _, floor_out = _stage(
        "floor", "--limit", str(limit), "--results", str(run_out / "results.json"), env=env
    )
    fl = json.loads(floor_out)
    print("bench: verify...", file=sys.stderr)
    verify_mnist = verify_stages(run_out / "report.pdf", env)
    report = {
        "n_samples": results.dataset.n_samples,
        "cpus": os.cpu_count(),
        "reference": ref and {"seconds": ref_s, "peak_mb": ref_mb, "models": ref["models"]},
        "cold": {"seconds": cold_s, "peak_mb": cold_mb},
        "ratio_cold_to_reference": ref and cold_s / ref_s,
        "ratio_cold_to_floor": cold_s / fl["total"],
        "floor": fl,
        "verify": {"sample": verify_sample, "mnist": verify_mnist},
        "warm": {"seconds": warm_s, "peak_mb": warm_mb},
        "render": {"seconds": render_s, "peak_mb": render_mb},
        "scores": {
            key: {
                "metric": m.metric,
                "reference": ref and ref["models"][key]["tuned_test"],
                "reportgen": m.tuned.metrics("test")[m.metric],
                "reportgen_best": m.tuned.best_params,
                "reference_best": ref and ref["models"][key]["best_params"],
            }
            for key, m in results.models.items()
        },
    }
    return _write(report, Path(args.out), format_report(report) + "\n\n" + format_verify(report))


def _write(report: dict[str, Any], out: Path, text: str) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(text)
    print(f"written to {out}")
    return 0


def format_verify(r: dict[str, Any]) -> str:
    """The verify stages as a table."""
    lines = [f"{'reportgen verify':<34}{'wall s':>10}{'peak MB':>10}"]
    for data, label in (("sample", "sample"), ("mnist", f"{r['n_samples']:,} digits")):
        for how, words in (
            ("cached", "cached"),
            ("checked_again", "again (recalled)"),
            ("uncached", "uncached"),
        ):
            stage = r["verify"][data].get(how)
            if stage:
                lines.append(
                    f"{label + ', ' + words:<34}{stage['seconds']:>10.1f}{stage['peak_mb']:>10.0f}"
                )
    render = r["verify"]["sample"].get("render")
    if render:
        lines.append(
            f"{'render only, sample':<34}{render['seconds']:>10.1f}{render['peak_mb']:>10.0f}"
        )
    return "\n".join(lines)


def format_report(r: dict[str, Any]) -> str:
    """The benchmark as a readable table."""
    ref = r["reference"]
    lines = [
        f"MNIST digits: {r['n_samples']:,}   cores: {r['cpus']}",
        f"{'stage':<34}{'wall s':>10}{'peak MB':>10}",
        f"{'reference (3-fold CV, serial)':<34}"
        + (f"{ref['seconds']:>10.1f}{ref['peak_mb']:>10.0f}" if ref else f"{'skipped':>10}"),
        f"{'reportgen cold build (+PDF)':<34}{r['cold']['seconds']:>10.1f}"
        f"{r['cold']['peak_mb']:>10.0f}",
        f"{'floor (final models fitted once)':<34}{r['floor']['total']:>10.1f}{'':>10}",
        f"{'warm rebuild':<34}{r['warm']['seconds']:>10.1f}{r['warm']['peak_mb']:>10.0f}",
        f"{'render only':<34}{r['render']['seconds']:>10.1f}{r['render']['peak_mb']:>10.0f}",
        (f"ratio reportgen / reference: {r['ratio_cold_to_reference']:.3f}   " if ref else "")
        + f"reportgen / floor: {r['ratio_cold_to_floor']:.2f}",
        "",
        f"{'tuned model, test':<24}{'metric':<10}{'reference':>11}{'reportgen':>11}{'diff':>11}",
    ]
    for key, s in r["scores"].items():
        metric, theirs, ours = s["metric"], s["reference"], s["reportgen"]
        if ref:  # English, as the bench's words are
            theirs_text, ours_text, change = numbers.pair(metric, theirs, ours, "en", "console")
        else:
            theirs_text, ours_text, change = "-", numbers.metric(metric, ours, "en", "console"), "-"
        lines.append(f"{key:<24}{metric:<10}{theirs_text:>11}{ours_text:>11} {change:>10}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
