"""Reproduction: rebuild the submission's analysis from its own config, through the cache, on
data whose fingerprint equals the recorded one, and compare every number."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..compare.diff import best_param_changes, confusion_rows, metric_rows
from ..compare.noise import NOISE, close
from ..errors import DataError, InputError
from ..numbers import pair, params
from ..results import Results, SystemRecord
from .kernels import KERNEL_SPREAD

ANALYSIS_LIBRARIES = ("python", "numpy", "scipy", "scikit-learn")
# the distributions the analysis imports (a version of one may move a digit)
ANALYSIS_DISTRIBUTIONS = ("numpy", "scipy", "scikit-learn", "joblib", "threadpoolctl")


@dataclass
class Reproduction:
    status: str  # reproduced | within_tolerance | differs
    details: list[str] = field(default_factory=list)
    environment: list[str] = field(default_factory=list)
    data: str = ""  # where the matching data was found


def _candidates(data_dir: str | None) -> list[tuple[str, str]]:
    """(label, dataset spec) of each data set to try, in order."""
    out = []
    if data_dir:
        out.append((f"--data {data_dir}", f"idx:{data_dir}"))
    if os.environ.get("MNIST_DIR"):
        out.append((f"MNIST_DIR {os.environ['MNIST_DIR']}", f"idx:{os.environ['MNIST_DIR']}"))
    out.append(("the embedded sample", "sample"))
    return out


def find_data(results: Results, data_dir: str | None = None):
    """The data set whose fingerprint (after the config's subset) equals the recorded one."""
    from ..analysis.data import load_dataset, stratified_subset

    want = results.dataset
    n_samples, seed = results.config.data.n_samples, results.config.data.seed
    tried = []
    candidates = _candidates(data_dir)
    if want.source == "sample":  # the cheap one first
        candidates.sort(key=lambda c: c[1] != "sample")
    for label, spec in candidates:
        tried.append(label)
        try:
            ds = load_dataset(spec)
            if n_samples:
                if n_samples > len(ds.y):
                    continue
                ds = stratified_subset(ds, n_samples, seed)
        except DataError:
            continue
        if ds.fingerprint == want.fingerprint:
            return ds, label
    files = ", ".join(f.name for f in want.files or [])
    raise InputError(
        f"the submission's analysis ran on {want.source} data '{want.origin}' "
        f"({want.n_samples:,} digits{', files ' + files if files else ''}, fingerprint "
        f"{want.fingerprint[:16]}); none of {', '.join(tried)} has it: pass --data DIR with "
        "that data set's IDX files"
    )


def _environment(theirs: Results, ours: Results) -> list[str]:
    """Each difference between the two builds' machines that can move a digit, named:
    'numpy 2.3.5 -> 2.4.6', 'blas kernel Sandybridge -> Haswell'."""
    a, b = theirs.system, ours.system
    if a is None or b is None:  # a submission before schema 7: its versions, and what it lacks
        named = [
            f"{lib} {theirs.environment.get(lib, 'unknown')} -> {ours.environment.get(lib)}"
            for lib in ANALYSIS_LIBRARIES
            if theirs.environment.get(lib) != ours.environment.get(lib)
        ]
        if a is None and b is not None:
            named.append(
                f"blas kernel unrecorded (schema {theirs.schema_version}) -> "
                f"{', '.join(b.kernels())}"
            )
        return named
    # the fits ran with the config's tuning.blas_threads, whatever the process had otherwise
    return system_changes(a, b, threads=theirs.config.tuning.blas_threads is None)


def _listed(items: list[str]) -> str:
    """'a, b', or 'none found' (threadpoolctl names no BLAS: Apple's Accelerate, for one)."""
    return ", ".join(items) or "none found"


def system_changes(a: SystemRecord, b: SystemRecord, threads: bool = True) -> list[str]:
    """What differs between two system records, as causes: Python, the machine, the
    distributions the analysis imports, each BLAS library's version, kernel and (`threads`:
    where the config did not fix them) threads."""
    out = [
        f"{what} {getattr(a, what)} -> {getattr(b, what)}"
        for what in ("python", "implementation", "machine")
        if getattr(a, what) != getattr(b, what)
    ]
    for name in ANALYSIS_DISTRIBUTIONS:
        was, now = a.distributions.get(name), b.distributions.get(name)
        if was != now:
            out.append(f"{name} {was or 'not installed'} -> {now or 'not installed'}")
    libraries = lambda r: sorted({f"{x.library} {x.version}" for x in r.blas})  # noqa: E731
    if libraries(a) != libraries(b):
        out.append(f"blas {_listed(libraries(a))} -> {_listed(libraries(b))}")
    if [k.lower() for k in a.kernels()] != [k.lower() for k in b.kernels()]:
        out.append(f"blas kernel {_listed(a.kernels())} -> {_listed(b.kernels())}")
    counts = lambda r: sorted({x.threads for x in r.blas})  # noqa: E731
    if threads and counts(a) != counts(b):
        shown = lambda t: ", ".join(map(str, t))  # noqa: E731
        out.append(f"blas threads {shown(counts(a))} -> {shown(counts(b))}")
    if a.platform != b.platform and a.machine == b.machine:
        out.append(f"platform {a.platform} -> {b.platform}")
    return out


# the causes that make up a machine's numeric path (its CPU, BLAS library and kernel), as
# against what the analysis imports (Python, the distributions)
NUMERIC_PATH = ("machine ", "blas ", "platform ")


def numeric_path_only(theirs: Results, ours: Results) -> list[str]:
    """The differences of the builds' numeric paths (BLAS kernel, BLAS library, the machine:
    another x86 CPU, an ARM laptop, Apple's Accelerate) when they are all that differs of what
    the analysis reads (same Python, same distributions); else []."""
    a, b = theirs.system, ours.system
    if a is None or b is None:
        return []
    causes = system_changes(a, b)
    path = [c for c in causes if c.startswith(NUMERIC_PATH) and not c.startswith("platform ")]
    rest = [c for c in causes if not c.startswith(NUMERIC_PATH)]
    return [] if rest else path


def within_kernel_spread(rows: list[dict], cells: list[dict]) -> bool:
    """Every difference within what honest builds on different kernels showed (KERNEL_SPREAD)."""
    for r in rows:
        if r["metric"] == "rmse":
            if abs(r["delta"]) > KERNEL_SPREAD["rmse"] * max(abs(r["old"]), 1.0):
                return False
        elif abs(r["delta"]) > KERNEL_SPREAD["accuracy"]:
            return False
    return all(abs(c["new"] - c["old"]) <= KERNEL_SPREAD["cell"] for m in cells for c in m["cells"])


def _metric_line(r: dict) -> str:
    """'Ridge tuned test rmse: 1.8154 -> 1.8161 (+0.0007)': English, as verify's words are."""
    old, new, change = pair(r["metric"], r["old"], r["new"], "en", "diff")
    return f"{r['name']} {r['phase']} {r['split']} {r['metric']}: {old} -> {new} ({change})"


def compare_analysis(theirs: Results, ours: Results, tolerance: float) -> Reproduction:
    """Every metric, best parameter and confusion-matrix cell, attached -> rebuilt."""
    rows = [r for r in metric_rows(theirs, ours, 0.0) if r["delta"] != 0]
    changed = best_param_changes(theirs, ours)
    cells = confusion_rows(theirs, ours)
    noise = [r for r in rows if close(r["old"], r["new"])]
    details = [_metric_line(r) for r in rows if r not in noise]
    if noise:  # each named would be a line of ±0.000000
        details.append(
            f"{len(noise)} score(s) differ only in their last digits (below {NOISE:g} relative, "
            f"as another BLAS kernel or thread count moves them), e.g. {_metric_line(noise[0])}"
        )
    details += [
        f"{p['name']} best parameters: {params(p['old'])} -> {params(p['new'])}" for p in changed
    ]
    details += [
        f"{c['name']} {c['phase']} confusion matrix: {len(c['cells'])} cell(s) differ, e.g. true "
        f"{c['cells'][0]['true']} as {c['cells'][0]['pred']}: "
        f"{c['cells'][0]['old']} -> {c['cells'][0]['new']}"
        for c in cells
    ]
    facts = [part for part in ("data", "scaling") if getattr(theirs, part) != getattr(ours, part)]
    details += [f"the {part} facts differ from the data's" for part in facts]
    environment = _environment(theirs, ours)
    if not details:
        return Reproduction("reproduced", [], environment)
    # a confusion cell is a count: no float tolerance explains a digit classed otherwise
    small = all(abs(r["delta"]) <= tolerance for r in rows)
    if small and not changed and not facts and not cells:
        why = "; what differs: " + ", ".join(environment) if environment else ""
        note = (
            f"every difference is within the tolerance {tolerance:g}{why} (the number of BLAS "
            "threads also changes the last digits of Ridge's RMSE)"
        )
        return Reproduction("within_tolerance", [note, *details], environment)
    path = numeric_path_only(theirs, ours)
    if path and not facts and within_kernel_spread(rows, cells):
        # the submission's kernel could not be run here (else it was rebuilt with it): what is
        # proven is the data, the config and the libraries; the numbers are as close as another
        # kernel's honest build comes: never `differs` for a numeric path alone
        note = (
            f"only the numeric path differs ({'; '.join(path)}), and this machine cannot run "
            "the submission's: not reproduced bit for bit; same data, config and libraries, and "
            "every difference is within the spread measured between BLAS kernels (accuracy "
            f"{KERNEL_SPREAD['accuracy']:g}, RMSE {KERNEL_SPREAD['rmse']:g} relative, a "
            f"confusion cell {KERNEL_SPREAD['cell']} digits)"
        )
        return Reproduction("within_tolerance", [note, *details], environment)
    return Reproduction("differs", details, environment)
