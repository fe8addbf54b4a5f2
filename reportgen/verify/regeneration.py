"""A submission's report rendered again: in a budgeted subprocess, in its own render stack.

Where the render stack the manifest records (WeasyPrint, pydyf, fontTools, ... at their
versions) is this machine's, the render runs with this interpreter; elsewhere in a venv of that
stack (environments/venvs.py), made once per stack in the cache folder. Either way the render is
a child process under a budget of time and memory (environments/budget.py): the templates a
submission carries are code, compiled and run only there. When the render in the submission's
own stack differs from its PDF, it is rendered a second time: two renders that differ mean the
recorded stack is not deterministic (WeasyPrint 68.1 writes Python id() values as structure
IDs), which is said, not called tampering. Where no environment can be made (offline, a version
gone), the render runs here and `fallback` says why: the caller then compares what a reader sees.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..bundle.submission import Submission
from ..environments.budget import Budget, budget_here, run_budgeted
from ..environments.stack import canonical, installed_stack
from ..environments.venvs import EnvironmentUnavailable, make_environment
from ..errors import RenderError

JOB = "reportgen.report.render_job"
# A render needs no BLAS threads; each OpenBLAS thread reserves address space (the budget)
CHILD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass
class Regeneration:
    """What regenerate_submission did, for check_integrity.

    `pdf`: the regenerated report; `recalled`: its digest came from the render memo (nothing
    rendered); `stack`: the recorded render stack's packages whose version differs from this
    machine's ("weasyprint 68.1 -> 70.0"); `own_environment`: the render ran in a venv of the
    recorded stack (its digest), so those differences no longer count; `fallback`: why it could
    not (the bytes then cannot be compared, only what a reader sees); `deterministic`: False
    when two renders in the submission's own stack differ, with `reason` saying so."""

    pdf: bytes
    recalled: bool = False
    stack: list[str] = field(default_factory=list)
    own_environment: str | None = None
    fallback: str | None = None
    deterministic: bool | None = None
    reason: str | None = None


def recorded_stack(sub: Submission) -> dict[str, str]:
    """The render stack the submission's build recorded, name -> version: the manifest's whole
    stack, or (a manifest written before it did) WeasyPrint and pydyf from the manifest and
    matplotlib and Jinja2 from results.json's environment."""
    manifest = sub.manifest.render_environment if sub.manifest else None
    if manifest is not None and manifest.stack:
        return {canonical(name): version for name, version in manifest.stack.items()}
    known = {}
    for name in ("matplotlib", "jinja2", "weasyprint"):
        if sub.results.environment.get(name) not in (None, "unknown", "not installed"):
            known[name] = sub.results.environment[name]
    if manifest is not None:
        known.update(weasyprint=manifest.weasyprint, pydyf=manifest.pydyf)
    return known


def stack_differences(recorded: dict[str, str]) -> list[str]:
    """'weasyprint 68.1 -> 70.0' for each recorded package at another version here."""
    here = installed_stack(sorted(recorded))
    return [
        f"{name} {version} -> {here[name]}"
        for name, version in sorted(recorded.items())
        if here[name] != version
    ]


def _render(python: str, sub: Submission, folder: Path, use_cache: bool, budget: Budget) -> bytes:
    """One render of the submission in a child process of `python`, under `budget`."""
    from ..report.render_job import REQUEST_FILE, request

    folder.mkdir(parents=True, exist_ok=True)
    text = request(sub.results.to_json(), dict(sub.templates), use_cache)
    (folder / REQUEST_FILE).write_text(text, encoding="utf-8")
    what = "its templates" if sub.templates else "its report"
    argv = [python, "-I", "-m", JOB, str(folder)]
    done = run_budgeted(argv, budget, what, cwd=folder, env={**os.environ, **CHILD_ENV})
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(lines[-1] if lines else f"the render exited with {done.returncode}")
    return (folder / "report.pdf").read_bytes()


def _recalled(sub: Submission, folder: Path, use_cache: bool) -> bool:
    """This machine rendered these very inputs before, to the submission's bytes (render_memo).
    Only for reportgen's own templates (trusted code; the self-evaluation is Markdown without
    HTML, linear in its size, at most 20 MB), so that a recalled report starts no process."""
    from ..report import render_memo
    from ..report.figures import save_figures
    from ..report.html import pdf_options, render_html

    if not use_cache or sub.templates:
        return False
    save_figures(sub.results, folder / "figures", use_cache)
    html = render_html(sub.results, sub.templates)
    key = render_memo.render_key(html, folder, pdf_options(sub.results, sub.templates))
    return render_memo.recall(key) == hashlib.sha256(sub.pdf).hexdigest()


def regenerate_submission(
    sub: Submission, folder: Path, use_cache: bool = True, budget: Budget | None = None
) -> Regeneration:
    """The report rendered again from the submission's results and templates, in its own
    render stack where that differs from this machine's (see the module's doc)."""
    budget = budget or budget_here()
    recorded = recorded_stack(sub)
    drift = stack_differences(recorded)
    if not drift:
        if _recalled(sub, folder, use_cache):
            return Regeneration(sub.pdf, recalled=True)
        return Regeneration(_render(sys.executable, sub, folder / "render", use_cache, budget))
    python = sub.results.environment.get("python", "")
    try:
        environment = make_environment(recorded, python or sys.version)
    except EnvironmentUnavailable as exc:
        pdf = _render(sys.executable, sub, folder / "render", use_cache, budget)
        fallback = f"its render stack ({', '.join(drift)}) could not be made here: {exc}"
        return Regeneration(pdf, stack=drift, fallback=fallback)
    own = str(environment.python)
    first = _render(own, sub, folder / "render", use_cache, budget)
    out = Regeneration(first, stack=drift, own_environment=environment.digest)
    if first != sub.pdf:
        second = _render(own, sub, folder / "again", use_cache, budget)
        out.deterministic = second == first
        if not out.deterministic:
            versions = ", ".join(f"{line.split()[0]} {line.split()[1]}" for line in drift)
            out.reason = (
                "the recorded render stack is not deterministic: two renders of this report in "
                f"its own environment ({versions}) differ, so its bytes prove nothing; what a "
                "reader sees is compared instead"
            )
    return out
