"""What `verify` is given, as a list of submissions: report PDFs, folders of them, an LMS
download (a ZIP) or a folder unpacked from one. In a download every file belongs to a student;
what is no submission (system files, online text) is counted and skipped, and a file that is no
report PDF (a .docx, an image) is that student's submission all the same: an error, never
dropped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .names import PARSERS, Entry, assignment_of, blackboard, recognise, skipped
from .unpack import unpack


@dataclass
class Item:
    """A submission: `path` on disk, `shown` (its name in the summary: a download's entries as
    `download.zip/entry`), what the LMS says of it (`entry`), and `problem`, where it is no
    report PDF."""

    path: str
    shown: str
    entry: Entry | None = None
    name: str = ""  # the entry's name inside the download
    problem: str | None = None
    latest: bool = True


@dataclass
class Intake:
    items: list[Item] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    refused: list[Item] = field(default_factory=list)  # entries of a ZIP refused, with why


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _what_is_wrong(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix != ".pdf":
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        return f"handed in {kind}, not a report PDF: ask for the PDF reportgen built"
    if path.stat().st_size == 0:
        return "handed in an empty file: ask for the PDF reportgen built"
    return None


def _download(folder: Path, shown: str, intake: Intake) -> bool:
    """The files of `folder` as a download's entries (shown as `shown/NAME`); False if no LMS
    named them."""
    names = []
    for name in _files(folder):
        why = skipped(name)
        if why:
            intake.skipped[why] += 1
        else:
            names.append(name)
    lms = recognise(names)
    if lms is None:
        return False
    assignment = assignment_of(names) if lms == "blackboard" else None
    for name in names:
        path = folder / name
        entry = blackboard(name, assignment) if lms == "blackboard" else PARSERS[lms](name)
        item = Item(str(path), f"{shown}/{name}", entry, name, _what_is_wrong(path))
        if entry is None:
            item.problem = f"its name is not in {lms.capitalize()}'s form: which student is it?"
        intake.items.append(item)
    return True


def _mark_latest(items: list[Item]) -> None:
    """Each student's latest file: a report PDF before anything else, then the highest attempt,
    then the last name."""
    by_student: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        if item.entry is not None:
            by_student.setdefault((item.entry.lms, item.entry.student_id), []).append(item)
    for own in by_student.values():
        best = max(own, key=lambda i: (i.problem is None, str(i.entry.attempt or ""), i.name))
        for item in own:
            item.latest = item is best


def collect(inputs: list[str | Path], workdir: Path) -> Intake:
    """Every submission under `inputs`, in their order; ZIPs are unpacked under `workdir`."""
    intake = Intake()
    for n, given in enumerate(inputs):
        path = Path(given)
        if path.is_file() and path.suffix.lower() == ".zip":
            into = workdir / f"download-{n}"
            into.mkdir(parents=True)
            unpacked = unpack(path, into)
            for name, why in unpacked.refused:
                intake.refused.append(Item("", f"{path.name}/{name}", None, name, why))
            if not _download(into, path.name, intake):
                intake.items += [
                    Item(str(into / name), f"{path.name}/{name}", None, name)
                    for name in unpacked.names
                    if name.lower().endswith(".pdf") and not skipped(name)
                ]
        elif path.is_dir():
            if not _download(path, str(path), intake):
                intake.items += [
                    Item(str(path / name), str(path / name))
                    for name in _files(path)
                    if name.lower().endswith(".pdf")
                ]
        else:
            intake.items.append(Item(str(path), str(path)))
    _mark_latest(intake.items)
    seen: set[str] = set()
    unique = []
    for item in intake.items:
        key = str(Path(item.path).resolve())
        if key not in seen:
            seen.add(key)
            unique.append(item)
    intake.items = unique
    return intake


def lms_keys(item: Item) -> dict[str, Any]:
    """What the summary shows of a submission's LMS side (identity is added once the title
    page's author is known)."""
    e = item.entry
    return {
        "lms": e.lms if e else None,
        "student_id": e.student_id if e else None,
        "student_name": e.student_name if e else None,
        "late": e.late if e else None,
        "attempt": e.attempt if e else None,
        "latest": item.latest,
        "entry": item.name or None,
    }
