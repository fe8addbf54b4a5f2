"""What `reportgen diff` and `reportgen compare` read: a run folder, a results.json, or a report
PDF's attachment; for compare also a glob or a folder of runs."""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, ReportgenError, one_line
from ..files import read_bounded
from ..results import RESULTS_FILE, Results, read_results
from .text import html_text


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label, its results and the report's text."""

    label: str
    results: Results
    text: list[str]


def pdf_side(path: Path) -> tuple[Results, str]:
    """A report PDF's attached results and the report text its attached templates give.

    A PDF whose attachments do not match its manifest is refused: `reportgen verify` says more.
    """
    from ..bundle.submission import read_submission
    from ..report.html import render_html

    submission = read_submission(path)
    if submission.problems:
        raise InputError(f"{path}: {submission.problems[0]}: run `reportgen verify` on it")
    return submission.results, render_html(submission.results, submission.templates)


def load_side(path: str | Path) -> Side:
    """A run directory, a results.json file or a report PDF with attached results."""
    from ..report.html import render_html

    p = Path(path)
    html = None
    if p.is_dir():
        results = read_results(p)
        html_file = p / "report.html"
        if html_file.is_file():
            html = read_bounded(html_file).decode("utf-8", errors="replace")
    elif p.suffix.lower() == ".pdf" and p.is_file():
        results, html = pdf_side(p)
    elif p.is_file():
        results = read_results(p)
    else:
        raise InputError(f"{p} does not exist: give a run directory, results.json or PDF")
    if html is None:
        html = render_html(results)
    return Side(str(path), results, html_text(html))


@dataclass(frozen=True)
class Named:
    """One run of a comparison of many: its name (run id, file name), where it was read, and
    its results."""

    name: str
    path: str
    results: Results


def load_results(path: str | Path) -> Results:
    """The results of a run folder, a results.json or a report PDF (no report text: a
    comparison of many reads the numbers only)."""
    p = Path(path)
    if p.suffix.lower() == ".pdf" and p.is_file():
        from ..bundle.submission import read_submission

        submission = read_submission(p)
        if submission.problems:
            raise InputError(f"{p}: {submission.problems[0]}: run `reportgen verify` on it")
        return submission.results
    if p.is_dir() or p.is_file():
        return read_results(p)
    raise InputError(f"{p} does not exist: give a run folder, results.json, report PDF or glob")


def _is_run(path: Path) -> bool:
    return (path / RESULTS_FILE).is_file() if path.is_dir() else path.is_file()


def expand(args: list[str]) -> tuple[list[Path], list[str]]:
    """The runs named by `args`, in their order, each once: a glob's matches sorted; a folder
    without results.json (output/runs, a class's folder of PDFs) stands for the run folders and
    PDFs in it. Also a line per argument that names no run."""
    paths: list[Path] = []
    problems: list[str] = []
    for arg in args:
        if glob.has_magic(arg):
            found = [Path(x) for x in sorted(glob.glob(arg))]
            found = [p for p in found if _is_run(p)]
        elif Path(arg).is_dir() and not (Path(arg) / RESULTS_FILE).is_file():
            inside = sorted(Path(arg).iterdir())
            found = [p for p in inside if (p / RESULTS_FILE).is_file() or p.suffix == ".pdf"]
        else:
            found = [Path(arg)]
        if not found:
            problems.append(f"{arg}: no run folder, results.json or report PDF there")
        paths += [p for p in found if p not in paths]
    return paths, problems


def _name(path: Path) -> str:
    """A run's name: its folder's name for a run folder or its results.json, else the file's."""
    if path.is_dir():
        return path.resolve().name
    if path.name == RESULTS_FILE:
        return path.resolve().parent.name
    return path.stem


def read_many(args: list[str]) -> tuple[list[Named], list[str]]:
    """Every run `args` name that can be read, each named uniquely (a name met twice gets its
    author, then a number); and a line for each that cannot be read (the others go on)."""
    paths, problems = expand(args)
    runs: list[Named] = []
    names: set[str] = set()
    for path in paths:
        try:
            results = load_results(path)
        except (ReportgenError, OSError) as exc:
            problems.append(f"{path}: {one_line(exc)}")
            continue
        name = _name(path)
        if name in names and results.config.report.author:
            name = f"{name} ({results.config.report.author})"
        base, n = name, 2
        while name in names:
            name, n = f"{base} #{n}", n + 1
        names.add(name)
        runs.append(Named(name, str(path), results))
    return runs, problems
