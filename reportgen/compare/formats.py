"""A structured diff of two runs as text (100 columns), Markdown or a standalone HTML page."""

from __future__ import annotations

import html
from typing import Any

from ..numbers import pair, params
from .diff import any_worse, has_differences

WIDTH = 100


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summary(diff: dict[str, Any]) -> str:
    """One line: how many metrics got better and worse, or that nothing differs."""
    if not has_differences(diff):
        return "no differences" + (
            f" beyond tolerance {diff['tolerance']}" if diff["tolerance"] else ""
        )
    better = sum(m["verdict"] == "better" for m in diff["metrics"])
    worse = sum(m["verdict"] == "worse" for m in diff["metrics"])
    return f"differences found: {better} metric(s) better, {worse} worse"


def _sections(diff: dict[str, Any]) -> list[tuple[str, list[list[str]], list[str]]]:
    """(title, table rows with a header row first, free lines) for each non-empty part."""
    out = []
    for part, title in (
        ("dataset", "Data set"),
        ("config", "Config"),
        ("environment", "Library versions"),
    ):
        if diff[part]:
            rows = [["key", "old", "new"]] + [
                [c["key"], str(c["old"]), str(c["new"])] for c in diff[part]
            ]
            out.append((title, rows, []))
    if diff["metrics"]:
        rows = [["model", "phase", "split", "metric", "old", "new", "delta", "verdict"]]
        rows += [
            [
                m["name"],
                m["phase"],
                m["split"],
                m["metric"],
                *pair(m["metric"], m["old"], m["new"], "en", "diff"),
                m["verdict"],
            ]
            for m in diff["metrics"]
        ]
        out.append(("Metrics", rows, []))
    if diff["best_params"]:
        rows = [["model", "old best", "new best"]] + [
            [p["name"], params(p["old"]), params(p["new"])] for p in diff["best_params"]
        ]
        out.append(("Best parameters", rows, []))
    if diff["confusion"]:
        rows = [["model", "phase", "true", "predicted", "old", "new", "delta"]]
        for c in diff["confusion"]:
            rows += [
                [
                    c["name"],
                    c["phase"],
                    str(x["true"]),
                    str(x["pred"]),
                    str(x["old"]),
                    str(x["new"]),
                    f"{x['delta']:+d}",
                ]
                for x in c["cells"]
            ]
        out.append(("Confusion-matrix cells", rows, []))
    w = diff["warnings"]
    if w["added"] or w["removed"]:
        lines = [f"+ {x['model']} ({x['phase']}): {x['message']}" for x in w["added"]]
        lines += [f"- {x['model']} ({x['phase']}): {x['message']}" for x in w["removed"]]
        out.append(("Warnings", [], lines))
    if diff["text"]:
        out.append(("Report text", [], diff["text"]))
    return out


def to_text(diff: dict[str, Any]) -> str:
    """Plain text that fits a 100-column terminal."""
    lines = [_cut(f"A: {diff['a']}", WIDTH), _cut(f"B: {diff['b']}", WIDTH), summary(diff)]
    for title, rows, free in _sections(diff):
        lines += ["", title, "-" * len(title)]
        if rows:
            widths = [min(max(len(r[i]) for r in rows), 40) for i in range(len(rows[0]))]
            for r in rows:
                cells = [_cut(c, widths[i]) for i, c in enumerate(r)]
                line = "  ".join(c.ljust(widths[i]) for i, c in enumerate(cells)).rstrip()
                lines.append(_cut(line, WIDTH))
        lines += [_cut(x, WIDTH) for x in free]
    return "\n".join(lines) + "\n"


def to_markdown(diff: dict[str, Any]) -> str:
    """GitHub-flavoured Markdown: a table per part, the text diff fenced."""
    esc = lambda s: s.replace("|", "\\|")  # noqa: E731
    lines = [f"**A:** `{diff['a']}`  ", f"**B:** `{diff['b']}`", "", f"_{summary(diff)}_"]
    for title, rows, free in _sections(diff):
        lines += ["", f"### {title}", ""]
        if rows:
            lines.append("| " + " | ".join(rows[0]) + " |")
            lines.append("|" + "---|" * len(rows[0]))
            lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows[1:]]
        if free:
            lines += ["```diff", *free, "```"]
    return "\n".join(lines) + "\n"


CSS = """
body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em}
th{background:#f0f3f6;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.better{color:#11703a;font-weight:bold}.worse{color:#b3261e;font-weight:bold}
pre{background:#f7f7f7;padding:1em;overflow-x:auto}.add{color:#11703a}.del{color:#b3261e}
.summary{font-size:1.15em}
"""


def to_html(diff: dict[str, Any]) -> str:
    """A standalone page with coloured verdicts and deltas."""
    e = html.escape
    verdict_col = 7
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>reportgen diff</title><style>{CSS}</style></head><body>",
        f"<h1>reportgen diff</h1><p>A: <code>{e(diff['a'])}</code><br>"
        f"B: <code>{e(diff['b'])}</code></p><p class='summary'>{e(summary(diff))}</p>",
    ]
    for title, rows, free in _sections(diff):
        parts.append(f"<h2>{e(title)}</h2>")
        if rows:
            parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in rows[0]) + "</tr>")
            for r in rows[1:]:
                cls = r[verdict_col] if title == "Metrics" else ""
                cells = []
                for i, c in enumerate(r):
                    klass = cls if title == "Metrics" and i >= 6 else ""
                    cells.append(f"<td class='{klass}'>{e(c)}</td>")
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</table>")
        if free:
            kinds = {"+": "add", "-": "del"}
            spans = [f"<span class='{kinds.get(x[:1], '')}'>{e(x)}</span>" for x in free]
            parts.append("<pre>" + "\n".join(spans) + "</pre>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def exit_code(diff: dict[str, Any], fail_on: str) -> int:
    """0 when nothing differs (or nothing got worse with fail_on='worse'), else 1."""
    if fail_on == "worse":
        return 1 if any_worse(diff) else 0
    return 1 if has_differences(diff) else 0
