"""`make bench ARGS=--class`: what verifying a class costs, on the embedded sample.

A class of 12 submissions from 3 configurations (the built-in one, another seed, a smaller Ridge
grid), 4 students each; one submission forged (a second results.json attached). Measured, each
in its own process and with an empty cache unless said:

- 3 single cold builds (one per configuration): what a class of 3 would cost build by build;
- verify of classes with 1, 2 and 3 distinct configurations (4, 8 and 12 submissions), cold;
- the 12 with `--jobs 2`, cold; the 12 through a LocalCluster of 2 workers, cold;
- warm: one submission per configuration, then all 12: the cost of an extra submission of an
  already-built configuration;
- every verify forgets the renders its cache folder recorded (render_memo) first, so each
  report is rendered as on a class's first check; the class of 60 is then checked once more
  with them kept (a class checked again: renders recalled);
- a class of 60, warm: the 12 plus 48 more students of configuration a (each a copy of its run
  rendered with the student's own author, date and self-evaluation, as `reportgen render RUN
  --config` makes it; rendered through the library, in two processes). Its first submission
  alone, then all 60 in one process and with `--jobs 2`: each submission after the first costs
  (total - first) / 59. The verdicts are checked: the forged one `tampered`, the rest
  `reproduced`, every integrity check byte for byte.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

CONFIGS = {  # name -> (build flags, a TOML fragment)
    "a": ([], ""),
    "b": (["--seed", "7"], ""),
    "c": ([], "[grids.ridge]\nalpha = [1.0, 10.0]\n"),
}
STUDENTS = 4
MORE = 48  # more students of configuration a, for the class of 60
FORGED = f"a{STUDENTS}.pdf"


def _toml(path: Path, author: str, extra: str) -> Path:
    path.write_text(
        f'[report]\nauthor = "{author}"\ndate = "2026-01-15"\n[data]\ndataset = "sample"\n{extra}',
        encoding="utf-8",
    )
    return path


def make_class(work: Path, env: dict[str, str], child) -> dict[str, Any]:
    """Cold-build each configuration (timed), then render each student's copy and forge one."""
    from pypdf import PdfWriter

    reportgen = [sys.executable, "-m", "reportgen"]
    folder, cold = work / "class", {}
    for name, (flags, extra) in CONFIGS.items():
        run = work / "runs" / name
        config = _toml(work / f"{name}.toml", f"Student {name}1", extra)
        cache = {**env, "REPORTGEN_CACHE_DIR": str(work / f"cache-{name}")}
        cold[name], _, _ = child([*reportgen, "build", "--config", str(config), *flags,
                                  "--out", str(run)], cache)  # fmt: skip
        (folder / name).mkdir(parents=True)
        shutil.copy(run / "report.pdf", folder / name / f"{name}1.pdf")
        for n in range(2, STUDENTS + 1):
            copy = work / "runs" / f"{name}{n}"
            shutil.copytree(run, copy)
            config = _toml(work / f"{name}{n}.toml", f"Student {name}{n}", extra)
            child([*reportgen, "render", str(copy), "--config", str(config)], env)
            shutil.copy(copy / "report.pdf", folder / name / f"{name}{n}.pdf")
    forged = folder / "a" / FORGED
    writer = PdfWriter(clone_from=str(forged))
    writer.add_attachment("results.json", b'{"schema_version": 3}')
    with open(forged, "wb") as fh:
        writer.write(fh)
    return {"cold_builds": cold, "folder": folder}


def self_evaluation(n: int) -> str:
    """Student n's own words: their length differs, so their pages lay out differently."""
    sentence = (
        f"Student {n} prövade modellerna i tur och ordning och lärde sig {n % 7 + 2} saker om "
        "korsvalidering, skalning och hur en förväxlingsmatris läses. "
    )
    return f"## Vad jag lärde mig\n\n{sentence * (1 + n % 4)}\n\nNästa gång: fler seeds ({n}).\n"


def render_copies(run: Path, work: Path, first: int, count: int) -> list[Path]:
    """Students first..first+count-1 of a run's configuration: a copy of the run rendered with
    the student's author, date and self-evaluation, through the library: what `reportgen render
    COPY --config STUDENT.toml` does (render_run), without a process per student."""
    from reportgen.config import load_config
    from reportgen.pipeline import render_run

    made = []
    for n in range(first, first + count):
        copy = work / f"more{n}"
        shutil.copytree(run, copy, ignore=shutil.ignore_patterns("runs", "models"))
        (copy / "self.md").write_text(self_evaluation(n), encoding="utf-8")
        config = copy / "student.toml"
        config.write_text(
            f'[report]\nauthor = "Student more {n}"\ndate = "2026-01-{1 + n % 28:02d}"\n'
            'self_evaluation = "self.md"\n[data]\ndataset = "sample"\n',
            encoding="utf-8",
        )
        render_run(copy, load_config(str(config)), progress=lambda *_: None)
        made.append(copy / "report.pdf")
    return made


def make_more(work: Path, env: dict[str, str]) -> Path:
    """MORE more students of configuration a, rendered in two processes (each half)."""
    more = work / "class-more" / "a"
    more.mkdir(parents=True)
    half = MORE // 2
    renderer = [sys.executable, "-m", "benchmarks.bench_class", str(work / "runs" / "a")]
    halves = ((1, half), (1 + half, MORE - half))
    procs = [
        subprocess.Popen([*renderer, str(work / "copies"), str(first), str(count)], env=env)
        for first, count in halves
    ]
    if any(proc.wait() != 0 for proc in procs):
        raise SystemExit("bench: rendering the class's copies failed")
    for n in range(1, MORE + 1):
        shutil.copy(work / "copies" / f"more{n}" / "report.pdf", more / f"more{n}.pdf")
    return more


def _verify(child, env, cache: Path, *argv: str, recall: bool = False) -> dict[str, Any]:
    """One `reportgen verify` in its own process with `cache` as its cache folder. Unless
    `recall`, the renders recorded there are forgotten first (render_memo): every submission's
    report is rendered, as on the first check of a class; with `recall` they stay, as on a
    class checked again."""
    from reportgen.report.render_memo import FOLDER

    if not recall:
        shutil.rmtree(cache / FOLDER, ignore_errors=True)
    summary = cache.parent / f"summary-{cache.name}"
    args = [sys.executable, "-m", "reportgen", "verify", *argv, "--summary", str(summary)]
    seconds, peak_mb, _ = child(args, {**env, "REPORTGEN_CACHE_DIR": str(cache)}, ok=(0, 1))
    data = json.loads((summary / "summary.json").read_text(encoding="utf-8"))
    return {
        "seconds": seconds,
        "peak_mb": peak_mb,
        "submissions": len(data["submissions"]),
        "builds": data["builds"],
        "verdicts": data["summary"],
        "wrong": _wrong_verdicts(data["submissions"], "recalled" if recall else "rendered"),
        "rendered": sum(s.get("render") == "rendered" for s in data["submissions"]),
    }


def _wrong_verdicts(submissions: list[dict[str, Any]], render: str) -> list[str]:
    """Each submission whose verdict is not the expected one: the forged one `tampered`, every
    other `reproduced` with its integrity checked byte for byte, its report `render`ed (or
    recalled) as the stage means."""
    wrong = []
    for s in submissions:
        name = Path(s["path"]).name
        if name == FORGED:
            ok = s["verdict"] == "tampered"
        else:
            ok = s["verdict"] == "reproduced" and s["checks"].get("integrity") == "byte-identical"
            ok = ok and s.get("render") == render
        if not ok:
            how = f"{s['checks'].get('integrity')}, {s.get('render')}"
            wrong.append(f"{name}: {s['verdict']} ({how})")
    return wrong


def class_bench(work: Path, env: dict[str, str], child) -> dict[str, Any]:
    """Every measurement of the module's docstring: plain data for bench.json."""
    made = make_class(work, env, child)
    folder = made["folder"]
    subsets = {1: ["a"], 2: ["a", "b"], 3: ["a", "b", "c"]}
    cold = {}
    for n, names in subsets.items():
        print(f"bench: verify {n} configuration(s), cold...", file=sys.stderr)
        cold[n] = _verify(child, env, work / f"cache-v{n}", *[str(folder / x) for x in names])
    print("bench: verify --jobs 2, cold...", file=sys.stderr)
    jobs = _verify(child, env, work / "cache-jobs", str(folder), "--jobs", "2")
    print("bench: verify on a LocalCluster of 2 workers, cold...", file=sys.stderr)
    cluster = _on_local_cluster(work, env, child, folder)
    print("bench: verify warm...", file=sys.stderr)
    warm_cache = work / "cache-v3"  # the 3-configuration class left every build in it
    firsts = [str(folder / name / f"{name}1.pdf") for name in CONFIGS]
    warm_one_each = _verify(child, env, warm_cache, *firsts)
    warm_all = _verify(child, env, warm_cache, str(folder))
    extra = (warm_all["seconds"] - warm_one_each["seconds"]) / (
        warm_all["submissions"] - warm_one_each["submissions"]
    )
    return {
        "cold_builds": made["cold_builds"],
        "three_cold_builds_seconds": sum(made["cold_builds"].values()),
        "verify_cold": {str(n): r for n, r in cold.items()},
        "verify_cold_jobs2": jobs,
        "verify_cold_local_cluster": cluster,
        "verify_warm_one_per_configuration": warm_one_each,
        "verify_warm_all": warm_all,
        "seconds_per_extra_submission": extra,
        "class_of_60": class_of_60(work, env, child, folder, warm_cache),
    }


def class_of_60(work: Path, env: dict[str, str], child, folder: Path, cache: Path) -> dict:
    """The 12 of `folder` and MORE more students of configuration a, with their fits in `cache`:
    the first alone, then all in one process and with --jobs 2; the verdicts checked."""
    print(f"bench: {MORE} more students of configuration a...", file=sys.stderr)
    more = make_more(work, env)
    print("bench: a class of 60, warm: first, one process, --jobs 2...", file=sys.stderr)
    first = _verify(child, env, cache, str(folder / "a" / "a1.pdf"))
    sixty = _verify(child, env, cache, str(folder), str(more))
    sixty_jobs = _verify(child, env, cache, str(folder), str(more), "--jobs", "2")
    print("bench: the class of 60 checked again (renders recalled)...", file=sys.stderr)
    again = _verify(child, env, cache, str(folder), str(more), recall=True)
    per = {
        "one_process": (sixty["seconds"] - first["seconds"]) / (sixty["submissions"] - 1),
        "jobs2": (sixty_jobs["seconds"] - first["seconds"]) / (sixty_jobs["submissions"] - 1),
        "checked_again": (again["seconds"] - first["seconds"]) / (again["submissions"] - 1),
    }
    return {
        "first": first,
        "one_process": sixty,
        "jobs2": sixty_jobs,
        "checked_again": again,
        "seconds_per_submission_after_the_first": per,
        "wrong_verdicts": sixty["wrong"] + sixty_jobs["wrong"] + again["wrong"],
    }


def _on_local_cluster(work: Path, env: dict[str, str], child, folder: Path) -> dict[str, Any]:
    """The whole class through a LocalCluster (2 worker processes, 1 thread each) that this
    process hosts; its workers use their own empty cache."""
    from distributed import LocalCluster

    cache = work / "cache-cluster"
    previous = os.environ.get("REPORTGEN_CACHE_DIR")
    os.environ["REPORTGEN_CACHE_DIR"] = str(cache)  # the workers inherit it
    try:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=logging.ERROR,
        ) as local:  # fmt: skip
            return _verify(child, env, cache, str(folder), "--scheduler", local.scheduler_address)
    finally:
        if previous is None:
            os.environ.pop("REPORTGEN_CACHE_DIR", None)
        else:
            os.environ["REPORTGEN_CACHE_DIR"] = previous


def format_class(r: dict[str, Any]) -> str:
    """The class bench as a table."""
    lines = [
        "a class on the embedded sample (5,000 digits): 4 students per configuration, 1 forged",
        f"{'stage':<44}{'wall s':>9}{'peak MB':>9}{'builds':>8}",
    ]
    for name, seconds in r["cold_builds"].items():
        lines.append(f"{'cold build, configuration ' + name:<44}{seconds:>9.1f}")
    lines.append(f"{'3 cold builds, together':<44}{r['three_cold_builds_seconds']:>9.1f}")

    def row(label: str, s: dict[str, Any]) -> str:
        return f"{label:<44}{s['seconds']:>9.1f}{s['peak_mb']:>9.0f}{s['builds']:>8}"

    for n, s in r["verify_cold"].items():
        lines.append(row(f"verify {s['submissions']} submissions, {n} config(s), cold", s))
    lines.append(row("verify 12, --jobs 2, cold", r["verify_cold_jobs2"]))
    lines.append(row("verify 12, LocalCluster 2 workers, cold", r["verify_cold_local_cluster"]))
    lines.append(row("verify 3 (one per config), warm", r["verify_warm_one_per_configuration"]))
    lines.append(row("verify 12, warm", r["verify_warm_all"]))
    lines.append(f"per extra submission of a built configuration: "
                 f"{r['seconds_per_extra_submission']:.1f} s")  # fmt: skip
    lines.append(f"verdicts (12, cold): {r['verify_cold']['3']['verdicts']}")
    sixty = r.get("class_of_60")
    if sixty:
        per = sixty["seconds_per_submission_after_the_first"]
        lines += [
            "",
            f"a class of {sixty['one_process']['submissions']} (the 12 and {MORE} more of "
            "configuration a), warm",
            row("verify 1 (the first), warm", sixty["first"]),
            row("verify 60, one process, warm", sixty["one_process"]),
            row("verify 60, --jobs 2, warm", sixty["jobs2"]),
            row("verify 60 again, renders recalled", sixty["checked_again"]),
            f"per submission after the first, (total - first) / 59: {per['one_process']:.2f} s "
            f"in one process, {per['jobs2']:.2f} s with --jobs 2; checked again (renders "
            f"recalled, one process): {per['checked_again']:.2f} s",
            f"verdicts (60): {sixty['one_process']['verdicts']}; "
            + ("as expected" if not sixty["wrong_verdicts"] else
               "WRONG: " + "; ".join(sixty["wrong_verdicts"])),
        ]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":  # a child of make_more: RUN WORK FIRST COUNT
    render_copies(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
