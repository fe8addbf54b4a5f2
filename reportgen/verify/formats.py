"""A verify report as text (a line per submission, then details), JSON, Markdown or HTML."""

from __future__ import annotations

import html
import json
from typing import Any

LABELS = {
    "reproduced": "reproduced",
    "within_tolerance": "within tolerance",
    "differs": "DIFFERS",
    "tampered": "TAMPERED",
    "error": "ERROR",
}


def _summary(report: dict[str, Any]) -> str:
    parts = [f"{n} {LABELS[v].lower()}" for v, n in report["summary"].items()]
    return f"{len(report['submissions'])} submission(s): " + ", ".join(parts)


def _detail_lines(entry: dict[str, Any]) -> list[str]:
    lines = [
        f"{k}: {v if isinstance(v, str) else ', '.join(v)}" for k, v in entry["checks"].items()
    ]
    lines += entry["details"]
    lines += [
        f'page {c["page"]}: "{c["before"]}" -> "{c["after"]}"'
        for c in entry.get("text_changes", [])
    ]
    lines += [f"departs from the course: {d}" for d in entry.get("departs", [])]
    return lines


def to_text(report: dict[str, Any]) -> str:
    entries = report["submissions"]
    width = max((len(e["path"]) for e in entries), default=0)
    lines = [
        f"{LABELS[e['verdict']]:<17} {e['path']:<{width}}  {e['author'] or ''}".rstrip()
        for e in entries
    ]
    lines += ["", _summary(report)]
    if "builds" in report:
        lines.append(f"distinct builds: {report['builds']}")
    for e in entries:
        lines += ["", f"{e['path']} ({LABELS[e['verdict']]}, {e['seconds']:.1f} s)"]
        lines += [f"  {line}" for line in _detail_lines(e)]
    return "\n".join(lines) + "\n"


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: dict[str, Any]) -> str:
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    lines = ["| verdict | file | author |", "|---|---|---|"]
    lines += [
        f"| {LABELS[e['verdict']]} | `{esc(e['path'])}` | {esc(e['author'] or '')} |"
        for e in report["submissions"]
    ]
    lines += ["", f"_{_summary(report)}_"]
    for e in report["submissions"]:
        lines += ["", f"### `{esc(e['path'])}`: {LABELS[e['verdict']]}", ""]
        lines += [f"- {esc(line)}" for line in _detail_lines(e)]
    return "\n".join(lines) + "\n"


CSS = """
body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em}
th{background:#f0f3f6;text-align:left}.verdict{font-weight:bold}
.reproduced,.within_tolerance{color:#11703a}.differs,.tampered,.error{color:#b3261e}
li{margin:.2em 0}
"""


def to_html(report: dict[str, Any]) -> str:
    """A standalone page: verdicts as words (never colour alone), details per submission."""
    e = html.escape
    rows = "".join(
        f"<tr><td class='verdict {x['verdict']}'>{e(LABELS[x['verdict']])}</td>"
        f"<td><a href='#s{i}'>{e(x['path'])}</a></td><td>{e(x['author'] or '')}</td></tr>"
        for i, x in enumerate(report["submissions"])
    )
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>reportgen verify</title><style>{CSS}</style></head><body>",
        f"<h1>reportgen verify</h1><p>{e(_summary(report))}</p>",
        "<table><thead><tr><th scope='col'>verdict</th><th scope='col'>file</th>"
        f"<th scope='col'>author</th></tr></thead><tbody>{rows}</tbody></table>",
    ]
    for i, x in enumerate(report["submissions"]):
        items = "".join(f"<li>{e(line)}</li>" for line in _detail_lines(x))
        parts.append(
            f"<h2 id='s{i}'>{e(x['path'])}: <span class='{x['verdict']}'>"
            f"{e(LABELS[x['verdict']])}</span></h2><ul>{items}</ul>"
        )
    parts.append("</body></html>\n")
    return "\n".join(parts)


FORMATS = {"text": to_text, "json": to_json, "markdown": to_markdown, "html": to_html}
