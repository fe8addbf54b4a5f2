"""What `reportgen diff` compares: a run folder, a results.json, or a report PDF's attachment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..attachments import read_attachments
from ..errors import InputError
from ..files import read_bounded
from ..results import RESULTS_FILE, Results, parse_results, read_results
from .text import html_text


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label, its results and the report's text."""

    label: str
    results: Results
    text: list[str]


def pdf_results(path: Path) -> Results:
    """The results.json attached to a report PDF, validated; exactly one must be attached."""
    attached = read_attachments(path).get(RESULTS_FILE, [])
    if not attached:
        raise InputError(
            f"{path} has no attached {RESULTS_FILE}: give a run directory, a results.json "
            "or a PDF made by reportgen"
        )
    if len(attached) > 1:
        raise InputError(f"{path} carries {len(attached)} files named {RESULTS_FILE}: refused")
    return parse_results(attached[0], f"{path} (attached {RESULTS_FILE})")


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
        results = pdf_results(p)
    elif p.is_file():
        results = read_results(p)
    else:
        raise InputError(f"{p} does not exist: give a run directory, results.json or PDF")
    if html is None:
        html = render_html(results)
    return Side(str(path), results, html_text(html))
