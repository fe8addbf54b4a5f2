"""Flags across a class: pairs of submissions that share what two students' work should not.

In order of priority, each with its evidence:
1. `same_pdf`, `same_results`: the same PDF bytes, or the same attached results.json bytes
   (SHA-256), under two files;
2. `same_self_evaluation`, `near_copy`: the same self-evaluation text (whitespace and case
   normalised), or a near-copy (Jaccard similarity of word 5-shingles at or above the course's
   [flags] near_copy); `same_section`, `near_copy_section`: the same of an own section
   (report.sections) both wrote, compared by its prose: the live values left out, since they
   are each run's numbers;
3. `same_analysis`: identical confusion matrices and metrics where both configs depart from the
   course (`--expect`) in the same way; the course's own analysis is expected to repeat;
   `claimed_config`: one submission's attached analysis does not follow from its own config
   (it `differs`) but is exactly another's, which reproduces from another config (a copied
   analysis under a changed seed, say). No rebuild beyond the class's own is needed.

A pair's lower flags that a higher one implies are left out: the same PDF bytes carry the same
results.json, which carries the same self-evaluation and analysis. A flag is evidence for a
person to weigh, not a verdict: it never changes a verdict or the exit code.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..numbers import decimal_number
from ..pages.text import sanitize
from ..sections import prose

KINDS = ("same_pdf", "same_results", "same_self_evaluation", "near_copy", "same_section",
         "near_copy_section", "same_analysis", "claimed_config")  # fmt: skip
SHINGLE = 5  # words per shingle
SHOWN_WORDS = 8  # of a shared text, the words a flag quotes


def pdf_digest(raw: bytes) -> dict[str, Any]:
    """The evidence of a file that is no readable submission: its bytes' SHA-256."""
    return {"pdf": hashlib.sha256(raw).hexdigest()}


def evidence(sub: Any) -> dict[str, Any]:
    """What a readable submission (bundle.submission.Submission) carries that flags compare."""
    own = sub.results.self_evaluation
    return {
        **pdf_digest(sub.pdf),
        "results": sub.results_sha256,
        "self_evaluation": own.text if own is not None else None,
        "sections": {k: prose(s.text) for k, s in (sub.results.sections or {}).items()},
        "analysis": analysis_digest(sub.results),
    }


def analysis_digest(results: Any) -> str:
    """SHA-256 of every model's confusion matrices and metrics (default and tuned, each split)."""
    material = {}
    for key, model in sorted(results.models.items()):
        for phase in ("default", "tuned"):
            fit = getattr(model, phase)
            material[f"{key}.{phase}"] = {
                "confusion_matrix": fit.confusion_matrix,
                "per_class": fit.per_class.model_dump(mode="json") if fit.per_class else None,
                "validation": fit.metrics("validation"),
                "test": fit.metrics("test"),
            }
    text = json.dumps(material, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def words(text: str) -> list[str]:
    """A text's words, lower case: what is left after normalising whitespace, case and
    punctuation."""
    return re.findall(r"\w+", text.casefold())


def shingles(text: str) -> set[tuple[str, ...]]:
    """The word 5-shingles of a text (a shorter text: its words, as one shingle)."""
    w = words(text)
    if len(w) < SHINGLE:
        return {tuple(w)} if w else set()
    return {tuple(w[i : i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _quote(text: str) -> str:
    """The first words of a submission's text, safe to print and to render (pages.sanitize)."""
    w = " ".join(sanitize(text).split()).split(" ")
    return " ".join(w[:SHOWN_WORDS]) + (" ..." if len(w) > SHOWN_WORDS else "")


def _flag(kind: str, evidence: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "evidence": evidence, **extra}


@dataclass(frozen=True)
class _Text:
    """A self-evaluation, read once: its text, its words and their 5-shingles."""

    text: str
    words: tuple[str, ...]
    shingles: frozenset[tuple[str, ...]]


def _read_text(text: str | None) -> _Text | None:
    if not text or not words(text):
        return None
    return _Text(text, tuple(words(text)), frozenset(shingles(text)))


def _text_flags(
    a: _Text | None, b: _Text | None, near_copy: float, section: str | None = None
) -> list[dict]:
    """The same self-evaluation, or a near-copy of it (the Jaccard score shown); with
    `section`, the same of that own section's prose."""
    if a is None or b is None:
        return []
    what = f"section {section}" if section else "self-evaluation"
    if a.words == b.words:
        said = f"the same {what} ({len(a.words)} words): \u201c{_quote(a.text)}\u201d"
        return [_flag("same_section" if section else "same_self_evaluation", said)]
    small, large = sorted((len(a.shingles), len(b.shingles)))
    if small < near_copy * large:  # their Jaccard is at most small / large
        return []
    score = jaccard(a.shingles, b.shingles)
    if score < near_copy:
        return []
    shown, limit = decimal_number(score, "en"), decimal_number(near_copy, "en")
    said = f"{what}s alike: Jaccard {shown} of word 5-shingles (flagged from {limit})"
    kind = "near_copy_section" if section else "near_copy"
    return [_flag(kind, said, score=round(score, 4))]


def _pair_flags(
    a: dict[str, Any], b: dict[str, Any], departs: tuple[list[str], list[str]] | None,
    near_copy: float,
) -> list[dict[str, Any]]:  # fmt: skip
    """The flags of one pair, each {"kind", "evidence"}, highest priority first."""
    if a["pdf"] == b["pdf"]:
        return [_flag("same_pdf", f"the same PDF bytes (SHA-256 {a['pdf'][:12]})")]
    if a.get("results") and a.get("results") == b.get("results"):
        return [_flag("same_results", f"the same results.json bytes (SHA-256 {a['results'][:12]})")]
    found = _text_flags(a.get("text"), b.get("text"), near_copy)
    theirs = b.get("own") or {}
    for key, text in (a.get("own") or {}).items():
        found += _text_flags(text, theirs.get(key), near_copy, key)
    alike = departs is not None and departs[0] and departs[0] == departs[1]
    if alike and a.get("analysis") and a.get("analysis") == b.get("analysis"):
        said = "identical confusion matrices and metrics, departing from the course alike: "
        found.append(_flag("same_analysis", said + "; ".join(departs[0])))
    return found


def _claimed(ea: dict[str, Any], a: dict, eb: dict[str, Any], b: dict) -> list[dict]:
    """`claimed_config`: the one's analysis is the other's, which reproduces from its config,
    while the one's own config does not give it (its verdict: differs)."""
    from .course import departures

    if not a.get("analysis") or a.get("analysis") != b.get("analysis"):
        return []
    if not (ea.get("config") and eb.get("config")):
        return []
    for ex, ey in ((ea, eb), (eb, ea)):
        other_group = ex.get("group") and ey.get("group") and ex["group"] != ey["group"]
        if ex["verdict"] == "differs" and ey["verdict"] == "reproduced" and other_group:
            claimed = "; ".join(departures(ey.get("config") or {}, ex.get("config") or {}))
            said = (
                f"{ex['path']}'s attached analysis does not follow from its own config but is "
                f"exactly {ey['path']}'s, which reproduces from its config"
                + (f" (claimed instead: {claimed})" if claimed else "")
            )
            return [_flag("claimed_config", said)]
    return []


def add_flags(report: dict[str, Any], course_known: bool, near_copy: float) -> list[dict]:
    """Flag the pairs of `report`'s submissions (whose `_evidence` this removes): each entry's
    `flags` ({kind, evidence, with: the other's path} per flag of a pair it is in), and
    report["pairs"] (a, b, flags), in the submissions' order. `course_known`: the entries'
    `departs` are from --expect (without it, an analysis the course repeats cannot be told from
    a copied one: no same_analysis)."""
    done = report["submissions"]
    known = [(e, e.pop("_evidence", None)) for e in done]
    known = [
        (
            e,
            {
                **ev,
                "text": _read_text(ev.get("self_evaluation")),
                "own": {k: _read_text(t) for k, t in (ev.get("sections") or {}).items()},
            },
        )
        for e, ev in known
        if ev
    ]
    pairs: list[dict[str, Any]] = []
    for entry in done:
        entry["flags"] = []
    for (ea, a), (eb, b) in combinations(known, 2):
        departs = (ea.get("departs") or [], eb.get("departs") or []) if course_known else None
        found = _pair_flags(a, b, departs, near_copy)
        if not found or found[0]["kind"] not in ("same_pdf", "same_results", "same_analysis"):
            found += _claimed(ea, a, eb, b)
        if not found:
            continue
        pairs.append({"a": ea["path"], "b": eb["path"], "flags": found})
        for entry, other in ((ea, eb), (eb, ea)):
            entry["flags"] += [{**f, "with": other["path"]} for f in found]
    report["pairs"] = pairs
    return pairs


def pair_line(pair: dict[str, Any]) -> str:
    """'flagged: a.pdf and b.pdf: same_pdf (the same PDF bytes ...); ...'"""
    said = "; ".join(f"{f['kind']} ({f['evidence']})" for f in pair["flags"])
    return f"flagged: {pair['a']} and {pair['b']}: {said}"


def flag_words(entry: dict[str, Any]) -> str:
    """A submission's flags in a table cell: 'same_pdf with b.pdf; near_copy with c.pdf'."""
    return "; ".join(f"{f['kind']} with {f['with']}" for f in entry.get("flags", []))
