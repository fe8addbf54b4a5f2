"""Two runs -> structured differences (data, config, metrics, parameters, confusion cells,
warnings, report text). Formatting lives in diff_format.py."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .errors import ReportgenError
from .results import RESULTS_FILE, loads, read_results

LOWER_IS_BETTER = {"rmse"}
METRICS = ("rmse", "rounded_accuracy", "accuracy")
PHASES = ("default", "tuned")
SPLITS = ("validation", "test")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label, its results and the report's text."""

    label: str
    results: dict[str, Any]
    text: list[str]


class _TextExtractor(HTMLParser):
    """The readable text of report HTML, one line per block, without style or script."""

    BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "caption", "figcaption", "div", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip -= 1
        elif tag in self.BLOCKS or tag in ("td", "th"):
            if tag in ("td", "th"):
                self.current.append(" | ")
            else:
                self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def _flush(self) -> None:
        line = " ".join("".join(self.current).split()).strip(" |")
        if line:
            self.lines.append(line)
        self.current = []


def html_text(html: str) -> list[str]:
    """Report HTML as lines of text, for a readable unified diff."""
    parser = _TextExtractor()
    parser.feed(html)
    parser._flush()
    return parser.lines


def _pdf_results(path: Path) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(path).attachments
    except (PdfReadError, OSError, ValueError) as exc:
        raise ReportgenError(f"{path} is not a readable PDF ({exc}): give a report PDF") from None
    if RESULTS_FILE not in attachments:
        raise ReportgenError(
            f"{path} has no attached {RESULTS_FILE}: give a run directory, a results.json "
            "or a PDF made by reportgen"
        )
    return loads(attachments[RESULTS_FILE][0].decode("utf-8"), f"{path} (attached results)")


def load_side(path: str | Path) -> Side:
    """A run directory, a results.json file or a report PDF with attached results."""
    from .render import render_html

    p = Path(path)
    if p.is_dir():
        results = read_results(p)
        html_file = p / "report.html"
        html = html_file.read_text(encoding="utf-8") if html_file.exists() else None
    elif p.suffix.lower() == ".pdf" and p.is_file():
        results, html = _pdf_results(p), None
    elif p.is_file():
        results, html = read_results(p), None
    else:
        raise ReportgenError(f"{p} does not exist: give a run directory, results.json or PDF")
    if html is None:
        html = render_html(results)
    return Side(str(path), results, html_text(html))


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): obj}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = _flatten(old), _flatten(new)
    keys = sorted(set(a) | set(b))
    return [{"key": k, "old": a.get(k), "new": b.get(k)} for k in keys if a.get(k) != b.get(k)]


def _verdict(metric: str, delta: float, tolerance: float) -> str:
    if abs(delta) <= tolerance:
        return "same"
    better = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if better else "worse"


def _metric_rows(a: dict, b: dict, tolerance: float) -> list[dict[str, Any]]:
    rows = []
    for key in [k for k in a["models"] if k in b["models"]]:
        ma, mb = a["models"][key], b["models"][key]
        for phase in PHASES:
            for split in SPLITS:
                for metric in METRICS:
                    old = ma[phase][split].get(metric)
                    new = mb[phase][split].get(metric)
                    if old is None or new is None:
                        continue
                    delta = new - old
                    rows.append(
                        {
                            "model": key,
                            "name": mb["name"],
                            "phase": phase,
                            "split": split,
                            "metric": metric,
                            "old": old,
                            "new": new,
                            "delta": delta,
                            "verdict": _verdict(metric, delta, tolerance),
                        }
                    )
    return rows


def _confusion_rows(a: dict, b: dict) -> list[dict[str, Any]]:
    rows = []
    for key in [k for k in a["models"] if k in b["models"]]:
        for phase in PHASES:
            ca = a["models"][key][phase].get("confusion_matrix")
            cb = b["models"][key][phase].get("confusion_matrix")
            if ca is None or cb is None:
                continue
            cells = [
                {
                    "true": i,
                    "pred": j,
                    "old": ca[i][j],
                    "new": cb[i][j],
                    "delta": cb[i][j] - ca[i][j],
                }
                for i in range(len(ca))
                for j in range(len(ca[i]))
                if ca[i][j] != cb[i][j]
            ]
            if cells:
                rows.append(
                    {"model": key, "name": b["models"][key]["name"], "phase": phase, "cells": cells}
                )
    return rows


def _warning_set(results: dict) -> set[tuple[str, str, str]]:
    return {(w["model"], w["phase"], w["message"]) for w in results["warnings"]}


def compare(a: Side, b: Side, tolerance: float = 0.0) -> dict[str, Any]:
    """Everything that differs between two runs, as plain data."""
    ra, rb = a.results, b.results
    metrics = _metric_rows(ra, rb, tolerance)
    params = [
        {
            "model": k,
            "name": rb["models"][k]["name"],
            "old": ra["models"][k]["tuned"]["best_params"],
            "new": rb["models"][k]["tuned"]["best_params"],
        }
        for k in ra["models"]
        if k in rb["models"]
        and ra["models"][k]["tuned"]["best_params"] != rb["models"][k]["tuned"]["best_params"]
    ]
    wa, wb = _warning_set(ra), _warning_set(rb)
    keys = ("model", "phase", "message")
    text = list(difflib.unified_diff(a.text, b.text, a.label, b.label, n=1, lineterm=""))
    return {
        "a": a.label,
        "b": b.label,
        "tolerance": tolerance,
        "dataset": _changes(
            {k: ra["dataset"][k] for k in ("source", "n_samples", "fingerprint")},
            {k: rb["dataset"][k] for k in ("source", "n_samples", "fingerprint")},
        ),
        "config": _changes(ra["config"], rb["config"]),
        "environment": _changes(ra["environment"], rb["environment"]),
        "metrics": [m for m in metrics if m["verdict"] != "same"],
        "best_params": params,
        "confusion": _confusion_rows(ra, rb),
        "warnings": {
            "added": [dict(zip(keys, w, strict=True)) for w in sorted(wb - wa)],
            "removed": [dict(zip(keys, w, strict=True)) for w in sorted(wa - wb)],
        },
        "text": text,
    }


def has_differences(diff: dict[str, Any]) -> bool:
    """True when anything differs beyond the tolerance."""
    parts = ("dataset", "config", "environment", "metrics", "best_params", "confusion", "text")
    return any(diff[p] for p in parts) or any(diff["warnings"].values())


def any_worse(diff: dict[str, Any]) -> bool:
    """True when some metric got worse beyond the tolerance."""
    return any(m["verdict"] == "worse" for m in diff["metrics"])


def to_json(diff: dict[str, Any]) -> str:
    """The structured diff as JSON."""
    return json.dumps(diff, indent=2, ensure_ascii=False) + "\n"
