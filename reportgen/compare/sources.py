"""What `reportgen diff` compares: a run folder, a results.json, or a report PDF's attachment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..files import read_bounded
from ..results import Results, read_results
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
