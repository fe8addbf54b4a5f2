"""A whole class at once: every PDF of some folders, each configuration rebuilt once.

1. Read every submission (attachments, schema); one that fails is verdict `error`.
2. Group the readable ones by what determines their fits (the data's fingerprint, split, seed,
   grids, tuning, BLAS threads): the cache key. Rebuild each group's analysis once: here, in
   `--jobs` processes, or on a Dask cluster (`--scheduler`), always through the cache.
3. Check each submission: its integrity (regenerate and compare), then its numbers against its
   group's rebuilt analysis.

Work goes to the executor as plain functions of plain data (paths, JSON text), so the same
functions run in this process, in a process pool or on a Dask worker.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import socket
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ReportgenError, one_line
from .executors import executor
from .outcome import VERDICTS, Checked, Options

log = logging.getLogger("reportgen.verify")  # on a Dask worker: DASK_LOGGING__REPORTGEN=info


def group_key(results_json: str) -> str:
    """What determines a submission's fits: equal keys are rebuilt once."""
    data = json.loads(results_json)
    config = data["config"]
    material = {
        "fingerprint": data["dataset"]["fingerprint"],
        "data": {k: v for k, v in config["data"].items() if k not in ("dataset", "mnist_dir")},
        "tuning": {k: v for k, v in config["tuning"].items() if k not in ("n_jobs", "backend")},
        "grids": config["grids"],
    }
    kernels = sorted({b["kernel"].lower() for b in (data.get("system") or {}).get("blas", [])})
    if kernels:  # schema 7: a class whose students ran two BLAS kernels is two groups
        material["blas_kernels"] = kernels
    text = json.dumps(material, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---- the work, as plain functions (they run here, in a process pool or on a Dask worker) ----


def _where() -> str:
    """This process, as the summary names it: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def rebuild(
    results_json: str, data_dir: str | None, use_cache: bool, kernel_subprocess: bool = True
) -> dict[str, Any]:
    """The analysis a submission's config describes, rebuilt (through the cache) on the data its
    fingerprint names: {"results": results.json text, "made": its data fingerprint, tuned
    scores and BLAS kernel (for verify.changes), "worker", "seconds"}.
    Runs on a worker: it calls the library, never the CLI. A submission built on another BLAS
    kernel that this CPU runs is rebuilt with that kernel, in a subprocess (verify.kernels)."""
    from ..analysis.cache import ResultCache
    from ..analysis.worker_memory import fit_friendly_malloc
    from ..config import config_from_record
    from ..pipeline import analyse
    from ..results import parse_results
    from .kernels import rebuilt_on_its_kernel, this_kernel
    from .reproduction import find_data

    fit_friendly_malloc()  # on a Dask worker: see analysis/worker_memory.py
    results = parse_results(results_json, "the submission's results.json")
    ds, _ = find_data(results, data_dir)
    if kernel_subprocess:  # another BLAS kernel that this CPU runs: rebuilt with it
        made = rebuilt_on_its_kernel(results, results_json, data_dir, use_cache)
        if made is not None:
            return made
    spec = "sample" if ds.source == "sample" else f"idx:{Path(ds.folder).name}"
    cfg = config_from_record(results.config.model_dump(mode="json"), spec)
    # where the candidates ran does not change a result; here they run in this process's threads
    cfg = replace(cfg, tuning=replace(cfg.tuning, backend="threads"))
    t0 = time.perf_counter()
    rebuilt, _, _ = analyse(cfg, lambda *a, **k: None, ResultCache(enabled=use_cache), dataset=ds)
    seconds = round(time.perf_counter() - t0, 2)
    log.info("rebuilt the analysis of %s in %.1f s", group_key(results_json), seconds)
    made = {
        "fingerprint": rebuilt.dataset.fingerprint,
        "scores": facts(rebuilt)["scores"],
        "kernel": this_kernel(),  # the BLAS kernel it was rebuilt on (verify.changes)
    }
    return {
        "results": rebuilt.to_json(),
        "made": made,
        "worker": _where(),
        "seconds": seconds,
    }


# (PDF digest, rebuilt analysis, tolerance) -> its entry, in this process, during one run
_CHECKED: dict[Any, dict[str, Any]] = {}
# (path, PDF digest) -> the attachments parsed when the class was grouped, for its check in this
# process (taken once: a PDF is parsed once per run, not once to group it and again to check it;
# the attachments, not the Submission: 0.3 MB a PDF rather than 5)
_READ: dict[tuple[str, str], dict[str, list[bytes]]] = {}


def check(
    path: str,
    rebuilt_json: str | None,
    tolerance: float,
    raw: bytes | None = None,
    use_cache: bool = True,
):
    """One submission: integrity, then its numbers against the rebuilt analysis. `raw`: the PDF's
    bytes, read by the caller (a cluster's worker may not see the caller's files); `use_cache`:
    False for --no-cache (the figures are drawn, not taken from the cache folder)."""
    from ..bundle.submission import read_submission, submission_of
    from ..results import parse_results
    from .flags import evidence
    from .integrity import check_integrity
    from .reproduction import compare_analysis

    t0 = time.perf_counter()
    try:  # the same bytes under another name (a copy, a download's second attempt): checked once
        data = raw if raw is not None else Path(path).read_bytes()
        memo = (hashlib.sha256(data).hexdigest(), hash(rebuilt_json), tolerance)
    except OSError:
        memo = None
    if memo in _CHECKED:
        entry = copy.deepcopy(_CHECKED[memo])
        entry.update(path=path, seconds=round(time.perf_counter() - t0, 2), worker=_where())
        return entry
    entry: dict[str, Any] = {
        "path": path, "author": None, "verdict": "error", "checks": {}, "details": [],
    }  # fmt: skip
    try:
        found = _READ.pop((path, memo[0]), None) if memo else None
        sub = submission_of(path, data, found) if found is not None else read_submission(path, raw)
        entry["_evidence"] = evidence(sub)
        entry["author"] = sub.author
        entry["config"] = sub.results.config.model_dump(mode="json")
        entry["facts"] = facts(sub.results)
        if sub.results.sections:
            entry["live_values"], line = live_value_count(sub.results)
            entry["details"].append(line)
        entry["checks"]["attachments"] = "tampered" if sub.problems else "ok"
        integrity = check_integrity(sub, use_cache)
        entry["checks"]["integrity"] = integrity.status
        entry["details"] += integrity.details
        entry["text_changes"] = integrity.changes
        entry["checks"]["render_environment"] = integrity.environment or "same"
        entry["render"] = "recalled" if integrity.recalled else "rendered"
        if integrity.regenerated is not None:
            entry["_regenerated"] = integrity.regenerated
        if integrity.status == "tampered":
            entry["verdict"] = "tampered"
            entry["details"].append("reproduction not run: the PDF was changed after the build")
        elif rebuilt_json is None:
            raise ReportgenError("its configuration could not be rebuilt (see its group)")
        else:
            rebuilt = parse_results(rebuilt_json)
            outcome = compare_analysis(sub.results, rebuilt, tolerance)
            entry["_diff"] = _diff_html(sub.results, rebuilt)
            entry["checks"]["reproduction"] = outcome.status
            entry["checks"]["analysis_environment"] = outcome.environment or "same"
            entry["details"] += outcome.details
            entry["verdict"] = outcome.status
    except ReportgenError as exc:
        entry["details"].append(one_line(exc))
    entry["seconds"] = round(time.perf_counter() - t0, 2)
    entry["worker"] = _where()
    if memo is not None:
        _CHECKED[memo] = copy.deepcopy(entry)
    log.info("checked %s: %s in %.1f s", Path(path).name, entry["verdict"], entry["seconds"])
    return entry


def live_value_count(results: Any) -> tuple[int, str]:
    """How many live values the report's own sections hold, and the line that says so: each is
    rendered again from the attached results when the report is regenerated (an edited one is
    tampering); a number typed by hand is prose."""
    from ..sections import count_live

    counts = {k: count_live(s.text) for k, s in results.sections.items()}
    each = ", ".join(f"{k}: {n} in {results.sections[k].source}" for k, n in counts.items())
    total = sum(counts.values())
    return total, (
        f"own sections: {total} live value(s), regenerated from the attached results ({each}); "
        "numbers typed by hand are prose"
    )


def _diff_html(theirs: Any, ours: Any) -> str:
    """reportgen diff of the attached results against the rebuilt ones, as an HTML fragment."""
    from ..compare.diff import compare
    from ..compare.formats import html_body
    from ..compare.sources import Side

    return html_body(compare(Side("submission", theirs, []), Side("rebuilt", ours, [])))


def facts(results: Any) -> dict[str, Any]:
    """What a class table shows of a submission: data set, seed, grid sizes, tuned scores."""
    grid_sizes = {}
    for key, grid in results.config.grids.items():
        n = 1
        for values in grid.values():
            n *= len(values)
        grid_sizes[key] = n
    return {
        "dataset": f"{results.dataset.source} {results.dataset.origin}",
        "n_samples": results.dataset.n_samples,
        "seed": results.config.data.seed,
        "grid_sizes": grid_sizes,
        "scores": {k: m.tuned.metrics("test")[m.metric] for k, m in results.models.items()},
        "metrics": {k: m.metric for k, m in results.models.items()},
    }


# ---- the class ------------------------------------------------------------------------------


def _error_entry(path: str, why: str) -> dict[str, Any]:
    return {"path": path, "author": None, "verdict": "error", "checks": {}, "details": [why],
            "seconds": 0.0}  # fmt: skip


def verify_class(
    inputs: list[str | Path],
    options: Options,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Any = None,
    course: dict[str, Any] | None = None,
    near_copy: float = 0.8,
    expect: Path | None = None,
) -> Checked:
    """Verify every submission under `inputs` (PDFs, folders, LMS downloads: lms.intake): the
    report of verify (see outcome), plus the number of distinct builds, the groups, whether
    Ctrl-C cut it short, and what of a download was skipped or refused; with the course's config
    record (`course`), each submission's departures from it; the pairs flagged across the class
    (verify.flags; `near_copy`: the course's [flags] near_copy); what the class was checked
    with (verify.checked_with; `expect`: the course config's file). A download is unpacked into a
    temporary folder, removed before this returns. Finding no PDF, or only one that cannot be
    read, is an error of the whole command (ReportgenError)."""
    import tempfile

    from ..lms.intake import collect

    with tempfile.TemporaryDirectory(prefix="reportgen-download-") as work:
        intake = collect(inputs, Path(work))
        known = {i.path: _error_entry(i.path, i.problem) for i in intake.items if i.problem}
        if progress is not None:
            progress.names = {i.path: i.shown for i in intake.items}
        checked = _verify_paths(
            [i.path for i in intake.items], known, options, jobs, scheduler, progress
        )
    from .checked_with import checked_with
    from .flags import add_flags
    from .students import with_students

    checked = with_students(checked, intake, course)
    for entry in checked.report["submissions"]:  # what a later check matches it by (changes)
        entry["sha256"] = (entry.get("_evidence") or {}).get("pdf")
    add_flags(checked.report, course is not None, near_copy)
    checked.report["checked_with"] = checked_with(options.tolerance, expect)
    return checked


def _verify_paths(
    paths: list[str],
    entries: dict[str, dict[str, Any]],
    options: Options,
    jobs: int,
    scheduler: str | None,
    progress: Any,
) -> Checked:
    """Verify the PDFs `paths`, but those already given a verdict in `entries` (path -> entry)."""
    from ..bundle.submission import Unattached, parse_pdf, submission_of
    from .arithmetic import unverifiable
    from .flags import pdf_digest

    _CHECKED.clear()  # a run checks the same bytes once; the next run checks them anew
    _READ.clear()
    readable: dict[str, str] = {}  # path -> its results.json text
    groups: dict[str, list[str]] = {}
    started: dict[str, Any] = {}  # group -> its rebuild, submitted once its first member is read
    rebuilt: dict[str, str | None] = {}  # group -> its rebuilt results (None: it failed)
    pool = executor(jobs, scheduler)
    early = jobs > 1 or scheduler is not None  # checks handed out while the class is read
    builds, interrupted = 0, False
    checks: dict[str, Any] = {}
    built: dict[str, dict[str, Any]] = {}  # group -> where and how long it was rebuilt
    made: dict[str, dict[str, Any]] = {}  # group -> its data's fingerprint, its scores (changes)

    def take(key: str) -> None:
        """A group's rebuild, once it is done: its result, or its failure as its members'."""
        rebuilt[key] = None
        try:
            done = started[key].result()
            rebuilt[key] = done["results"]
            built[key] = {"worker": done["worker"], "seconds": done["seconds"]}
            made[key] = done["made"]
        except Exception as exc:  # noqa: BLE001 (one group's failure is its verdict)
            built[key] = {"error": one_line(exc)}

    def feed(key: str) -> None:
        """Hand out the checks of the group's members read so far."""
        for path in groups[key]:
            if path in entries or path in checks:
                continue
            if "error" in built[key]:
                why = built[key]["error"]
                entries[path] = _error_entry(path, f"its configuration was not rebuilt: {why}")
                continue
            raw = Path(path).read_bytes() if pool.remote else None
            args = (path, rebuilt[key], options.tolerance, raw, options.use_cache)
            checks[path] = pool.submit(check, *args)

    try:
        for path in paths:  # the pool's processes rebuild (and check) while the rest is read
            if path in entries:
                continue
            try:
                raw, found = parse_pdf(path)
                readable[path] = submission_of(path, raw, found).results.to_json()
            except Unattached as exc:  # its pages are all there is: their arithmetic
                entries[path] = unverifiable(path, one_line(exc))
                continue
            except ReportgenError as exc:
                entries[path] = _error_entry(path, one_line(exc))
                continue
            except Exception as exc:  # noqa: BLE001 (a reader's bug on one file: its verdict)
                entries[path] = _error_entry(path, f"could not be read: {one_line(exc)}")
                continue
            if jobs == 1 and not scheduler:  # checked in this process: kept for its check
                _READ[(path, hashlib.sha256(raw).hexdigest())] = found
            key = group_key(readable[path])
            groups.setdefault(key, []).append(path)
            if key not in started:
                args = (readable[path], options.data_dir, options.use_cache)
                started[key] = pool.submit(rebuild, *args, resources=pool.resources_for(args[0]))
            for done_key in [k for k, f in started.items() if early and f.done()]:
                if done_key not in rebuilt:
                    take(done_key)
                feed(done_key)
        if progress:
            progress.start(len(paths), len(groups))
            for path in entries:
                progress.done(entries[path])
        for key in started:  # each group's checks start once it is built
            if key not in rebuilt:
                take(key)
            builds += 1
            if progress:
                progress.built(builds)
            feed(key)
        for path, future in checks.items():
            try:
                entries[path] = future.result()
            except Exception as exc:  # noqa: BLE001 (a lost worker, say: this one's verdict)
                entries[path] = _error_entry(path, one_line(exc))
            if progress:
                progress.done(entries[path])
    except KeyboardInterrupt:
        interrupted = True
        for path, future in checks.items():  # what finished is kept
            if path not in entries and future.done():
                try:
                    entries[path] = future.result()
                except Exception:  # noqa: BLE001, S112 (not finished after all: left out)
                    continue
        pool.close(cancel=True)
    else:
        pool.close()
    _READ.clear()  # what no check took (a copy checked under another name)
    for path, entry in entries.items():
        entry["group"] = group_key(readable[path]) if path in readable else None
        if entry["group"] in made:
            entry["rebuilt"] = made[entry["group"]]
        if "_evidence" not in entry:  # not read as a submission: its bytes are still compared
            with contextlib.suppress(OSError):
                entry["_evidence"] = pdf_digest(Path(path).read_bytes())
    done = [entries[p] for p in paths if p in entries]
    summary = {v: sum(e["verdict"] == v for e in done) for v in VERDICTS}
    checked = Checked(
        {
            "submissions": done,
            "summary": {k: n for k, n in summary.items() if n},
            "builds": builds,
            "groups": {
                key: {"members": members, **built.get(key, {})} for key, members in groups.items()
            },
            "interrupted": interrupted,
            "total": len(paths),
        }
    )
    for entry in done:  # what only the summary's pages show leaves the JSON report
        checked.diffs[entry["path"]] = entry.pop("_diff", "")
        if "_regenerated" in entry:
            checked.regenerated[entry["path"]] = entry.pop("_regenerated")
    return checked
