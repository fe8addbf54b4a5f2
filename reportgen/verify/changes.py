"""A class checked again (`verify --previous DIR`): every submission matched to its entry of the
earlier check, what changed (verdict, grade, departures, scores) and the cause of each change.

Matching: by the LMS's student id for a student's latest submission of a download, else by the
file's name; what is left on both sides is matched by the PDF's SHA-256 (a renamed file). The
rest is `new` or `vanished`.

Causes, read from what summary.json records (verify.checked_with): reportgen's version or code,
a library's version, the BLAS kernel (the verifier's, or the one a submission was rebuilt
with), the tolerance, a key of the course config, the data a configuration was
rebuilt on, the PDF itself (resubmitted). Each kind of change has the causes that can explain
it (EXPLAINS); a change that none of the differences found explains is `unexplained`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import numbers
from ..lms.grading import plain
from ..models import MODELS
from .course import COMPARED
from .previous import Entry, Summary

STATUSES = ("unexplained", "changed", "new", "vanished", "unchanged")  # the order shown

# what can change a submission's check -> which kinds of cause can explain it
EXPLAINS = {
    "verdict": {"resubmitted", "reportgen", "library", "blas", "data", "tolerance"},
    "departures": {"resubmitted", "course_analysis"},
    "grade": {"grading"},  # and whatever explains the verdict, departures or identity
    "identity": {"resubmitted"},
    "stated scores": {"resubmitted"},
    "rebuilt scores": {"reportgen", "library", "blas", "data"},
    "pdf": {"resubmitted"},
}
TOLERANT = {"within_tolerance", "differs"}  # the verdicts a tolerance decides between


@dataclass(frozen=True)
class Cause:
    kind: str  # reportgen, library, blas, tolerance, course_analysis, grading, flags, course,
    # data, resubmitted, unknown
    text: str


def _course_kind(key: str) -> str:
    section, _, name = key.partition(".")
    if section == "grids" or name in COMPARED.get(section, ()):
        return "course_analysis"
    return section if section in ("grading", "flags") else "course"


def _value(value: Any) -> str:
    return "(none)" if value is None else str(value)


def run_differences(before: Summary, after: dict[str, Any]) -> list[Cause]:
    """What differs between the two checks as a whole (not a submission's own)."""
    old, new = before.checked_with, after["checked_with"]
    if old is None:
        return [Cause("unknown", "the earlier summary does not record what it was checked with "
                      "(written by a reportgen without --previous)")]  # fmt: skip
    out = []
    if old.reportgen.version != new["reportgen"]["version"]:
        out.append(Cause("reportgen", f"reportgen {old.reportgen.version} -> "
                         f"{new['reportgen']['version']}"))  # fmt: skip
    elif old.reportgen.code != new["reportgen"]["code"]:
        code = f"{old.reportgen.code[:12]} -> {new['reportgen']['code'][:12]}"
        out.append(Cause("reportgen", f"reportgen's code ({old.reportgen.version}): {code}"))
    for lib in sorted(set(old.libraries) | set(new["libraries"])):
        was, now = old.libraries.get(lib), new["libraries"].get(lib)
        if was != now and lib == "blas_kernel":  # another CPU, or OPENBLAS_CORETYPE
            out.append(Cause("blas", f"blas kernel {_value(was)} -> {_value(now)}"))
        elif was != now:
            out.append(Cause("library", f"{lib} {_value(was)} -> {_value(now)}"))
    if old.tolerance != new["tolerance"]:
        out.append(Cause("tolerance", f"tolerance {old.tolerance:g} -> {new['tolerance']:g}"))
    was = old.course.keys if old.course else None
    now = new["course"]["keys"] if new["course"] else None
    if (was is None) != (now is None):
        said = "none" if was is None else old.course.file  # type: ignore[union-attr]
        to = "none" if now is None else new["course"]["file"]
        for kind in ("course_analysis", "grading", "flags"):
            out.append(Cause(kind, f"course config (--expect): {said} -> {to}"))
    elif was is not None and now is not None:
        for key in sorted(set(was) | set(now)):
            if was.get(key) != now.get(key):
                text = f"course config {key}: {_value(was.get(key))} -> {_value(now.get(key))}"
                out.append(Cause(_course_kind(key), text))
    return out


def _points(grade: float | None) -> str:
    return "(none)" if grade is None else plain(grade)


def _scores(name: str, old: dict, new: dict) -> list[str]:
    """'ridge (stated) 1.8912 -> 1.8915' for each model whose score moved."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        metric = MODELS[key].metric if key in MODELS else "rmse"
        if a is None or b is None:
            out.append(f"{key} ({name}) {_value(a)} -> {_value(b)}")
        else:
            shown = numbers.pair(metric, a, b, "en", "diff")
            out.append(f"{key} {metric} ({name}) {shown[0]} -> {shown[1]}")
    return out


def _what_changed(b: Entry, a: Entry) -> dict[str, str]:
    """Each kind of change (EXPLAINS' keys) of one submission -> its words."""
    out: dict[str, str] = {}
    if b.verdict != a.verdict:
        out["verdict"] = f"verdict {b.verdict} -> {a.verdict}"
    if (b.departs is not None or a.departs is not None) and (b.departs or []) != (a.departs or []):
        out["departures"] = (
            f"departures from the course were [{'; '.join(b.departs or []) or 'none'}], "
            f"are [{'; '.join(a.departs or []) or 'none'}]"
        )
    if b.identity != a.identity and b.identity and a.identity:
        out["identity"] = f"identity {b.identity} -> {a.identity}"
    if (b.grade is not None or a.grade is not None) and b.grade != a.grade:
        out["grade"] = f"grade {_points(b.grade)} -> {_points(a.grade)}"
    stated = _scores("stated", b.facts.scores if b.facts else {}, a.facts.scores if a.facts else {})
    if stated:
        out["stated scores"] = "; ".join(stated)
    if b.rebuilt and a.rebuilt:
        rebuilt = _scores("rebuilt", b.rebuilt.scores, a.rebuilt.scores)
        if rebuilt:
            out["rebuilt scores"] = "; ".join(rebuilt)
    if b.sha256 and a.sha256 and b.sha256 != a.sha256:
        out["pdf"] = f"PDF {b.sha256[:12]} -> {a.sha256[:12]}"
    return out


def _own_causes(b: Entry, a: Entry) -> list[Cause]:
    """What differs for this submission alone: its PDF, the data it was rebuilt on."""
    out = []
    if b.sha256 and a.sha256 and b.sha256 != a.sha256:
        out.append(Cause("resubmitted", f"the PDF itself: resubmitted (SHA-256 {b.sha256[:12]} "
                         f"-> {a.sha256[:12]})"))  # fmt: skip
    was = b.rebuilt.fingerprint if b.rebuilt else None
    now = a.rebuilt.fingerprint if a.rebuilt else None
    if (was or now) and was != now:
        said = lambda f: f[:12] if f else "none (not rebuilt)"  # noqa: E731
        out.append(Cause("data", f"the data it was rebuilt on: {said(was)} -> {said(now)}"))
    was = b.rebuilt.kernel if b.rebuilt else None
    now = a.rebuilt.kernel if a.rebuilt else None
    if was and now and was.lower() != now.lower():  # its own kernel, or this machine's
        out.append(Cause("blas", f"the BLAS kernel it was rebuilt with: {was} -> {now}"))
    return out


def explain(b: Entry, a: Entry, run: list[Cause]) -> dict[str, Any]:
    """One matched submission: what changed, the causes found, what none of them explains."""
    changed = _what_changed(b, a)
    causes = _own_causes(b, a) + run
    found: list[Cause] = []
    unexplained: list[str] = []

    def why(kind: str) -> list[Cause]:
        kinds = set(EXPLAINS[kind])
        if kind == "verdict" and not {b.verdict, a.verdict} <= TOLERANT:
            kinds.discard("tolerance")  # a tolerance cannot make `reproduced` or an error
        return [c for c in causes if c.kind in kinds]

    for kind in ("verdict", "departures", "identity", "stated scores", "rebuilt scores", "pdf"):
        if kind in changed:
            these = why(kind)
            found += these
            if not these:
                unexplained.append(changed[kind])
    if "grade" in changed:
        these = why("grade")
        found += these
        follows = any(k in changed for k in ("verdict", "departures", "identity"))
        if not these and not follows:
            unexplained.append(changed["grade"])
    ordered = [c.text for c in causes if c in found]  # each once, in the causes' order
    status = "unchanged" if not changed else "unexplained" if unexplained else "changed"
    return {
        "status": status,
        "changed": list(changed.values()),
        "causes": ordered,
        "unexplained": unexplained,
    }


def _key(e: Entry) -> tuple[str, ...]:
    if e.lms and e.student_id and e.latest is not False:
        return ("student", e.lms, e.student_id)
    return ("file", e.path)


def _matched_by(key: tuple[str, ...]) -> str:
    return f"{key[1]} student id {key[2]}" if key[0] == "student" else "file"


Pair = tuple[Entry | None, Entry | None, str]


def _pair_left(pairs: list[Pair], before: list[Entry], used: set[int], by, how: str) -> None:
    """Pair a current entry not yet matched with the one earlier entry not yet matched that has
    the same `by(entry)` (not None), where that value is unique on both sides."""
    count = lambda es: {v: sum(by(x) == v for x in es) for v in map(by, es)}  # noqa: E731
    left = [e for e in before if id(e) not in used]
    waiting = [a for b, a, _ in pairs if b is None and a is not None]
    on_left, on_right = count(left), count(waiting)
    earlier = {by(e): e for e in left if by(e) is not None and on_left[by(e)] == 1}
    for n, (b, a, _) in enumerate(pairs):
        if b is None and a is not None and on_right.get(by(a)) == 1 and by(a) in earlier:
            found = earlier.pop(by(a))
            used.add(id(found))
            pairs[n] = (found, a, how)


def match(before: list[Entry], after: list[Entry]) -> list[Pair]:
    """(earlier, current, how matched) for every submission of either check; a side is None for
    a new or a vanished one. By the LMS's student id (a student's latest), else by path; what is
    left by file name (the class in another folder), then by the PDF's bytes (a renamed file).
    In the current check's order, the vanished last."""
    old: dict[tuple[str, ...], Entry] = {}
    for e in before:
        old.setdefault(_key(e), e)
    pairs: list[Pair] = []
    used: set[int] = set()
    for e in after:
        key = _key(e)
        if key in old and id(old[key]) not in used:
            used.add(id(old[key]))
            pairs.append((old[key], e, _matched_by(key)))
        else:
            pairs.append((None, e, ""))
    name = lambda e: e.path.replace("\\", "/").rsplit("/", 1)[-1]  # noqa: E731
    _pair_left(pairs, before, used, name, "file name (another folder)")
    _pair_left(pairs, before, used, lambda e: e.sha256, "same PDF bytes (renamed)")
    return pairs + [(e, None, "") for e in before if id(e) not in used]


def _student(e: Entry) -> str:
    if not e.lms:
        return ""
    return f"{e.student_name or '(anonymous)'} ({e.lms} id {e.student_id})"


def compare_checks(before: Summary, report: dict[str, Any], previous: str) -> dict[str, Any]:
    """The `changes` section of the report: the earlier check's folder, what differs between the
    two checks, a record per submission (STATUSES' order), and the count of each status."""
    run = run_differences(before, report)
    after = [Entry.model_validate(e) for e in report["submissions"]]
    records = []
    for b, a, how in match(before.submissions, after):
        one = a or b
        assert one is not None
        record: dict[str, Any] = {
            "path": one.path,
            "path_before": b.path if b and a and b.path != a.path else None,
            "student": _student(one),
            "matched_by": how,
            "verdict": [b.verdict if b else None, a.verdict if a else None],
            "grade": [b.grade if b else None, a.grade if a else None],
        }
        if b is None or a is None:
            status = "new" if b is None else "vanished"
            record.update(status=status, changed=[], causes=[], unexplained=[])
        else:
            record.update(explain(b, a, run))
        records.append(record)
    records.sort(key=lambda r: STATUSES.index(r["status"]))  # stable: each status in its order
    counts = {s: sum(r["status"] == s for r in records) for s in STATUSES}
    return {
        "previous": previous,
        "differences": [c.text for c in run],
        "counts": {s: n for s, n in counts.items() if n},
        "submissions": records,
    }


def counts_words(changes: dict[str, Any]) -> str:
    """'1 unexplained, 2 changed, 8 unchanged'."""
    return ", ".join(f"{n} {s}" for s, n in changes["counts"].items()) or "no submissions"


def console_lines(changes: dict[str, Any]) -> list[str]:
    """'changes since klass: 1 unexplained, 2 changed, 8 unchanged', then a line per unexplained
    change."""
    lines = [f"changes since {changes['previous']}: {counts_words(changes)}"]
    for r in changes["submissions"]:
        if r["status"] == "unexplained":
            lines.append(f"unexplained: {r['path']}: {'; '.join(r['unexplained'])}")
    return lines
