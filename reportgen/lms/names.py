"""What an LMS download's entry names say: the LMS, the student, late or not, the attempt.

The forms, from the LMSs' own code (README, "The LMS round trip"):
- Canvas (lib/content_zipper.rb): `{sortable name squashed}[_LATE]_{user id}_{attachment id}_
  {file}`; anonymous grading `[LATE_]anon_{anonymous id}_{attachment id}_{file}`; a file handed
  in again carries `-N` before its extension; `{prefix}_text.html`, `{prefix}_link.html`.
- Moodle (mod/assign/classes/downloader.php): `{Full name}_{participant id}_assignsubmission_
  file/{file}` (3.1-4.0: a trailing `_` on the folder; flat: `..._file_{file}`); blind marking
  `Participant_{pid}`; teams `{group}_{group id}`; `..._assignsubmission_onlinetext/...`.
- Blackboard: `{assignment}_{username}_attempt_{YYYY-MM-DD-HH-MM-SS}_{file}`, and a `.txt`
  receipt per attempt.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

LMSS = ("canvas", "moodle", "blackboard")

_CANVAS = re.compile(r"(?P<name>.+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<attachment>\d+)_(?P<file>.+)")
_CANVAS_ANON = re.compile(r"(?P<late>LATE_)?anon_(?P<id>[^_]+)_(?P<attachment>\d+)_(?P<file>.+)")
_CANVAS_RESUBMITTED = re.compile(r"(?P<stem>.+)-(?P<n>\d{1,2})(?P<ext>\.[^.]+)")
_MOODLE_FOLDER = re.compile(r"(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?")
_MOODLE_FLAT = re.compile(
    r"(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)"
)
_BLACKBOARD = re.compile(
    r"(?P<assignment>.+)_(?P<id>[^_]+)_attempt_"
    r"(?P<when>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>.+)|(?P<receipt>\.txt))"
)
_SYSTEM = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Entry:
    """One file of a download as its name describes it. `attempt`: Canvas's 1, 2, ... (a `-N`
    file is attempt N + 1), Blackboard's time (`2026-01-15T10:30:00`), else None. `key`: the part
    of the name the LMS finds the student by again (Canvas's prefix, Moodle's folder)."""

    lms: str
    student_id: str
    student_name: str | None  # None: anonymous grading or blind marking
    late: bool | None  # None: the LMS's names do not say (Moodle, Blackboard)
    attempt: int | str | None
    file: str
    key: str


def skipped(name: str) -> str | None:
    """Why the entry `name` (a path inside the download, `/`-separated) is no submission, or
    None: system files, online text, links, receipts."""
    parts = name.split("/")
    base = parts[-1]
    if "__MACOSX" in parts or base.startswith("._") or base.lower() in _SYSTEM:
        return "system files (__MACOSX, .DS_Store, Thumbs.db)"
    if re.search(r"_assignsubmission_(?!file)[a-z]+", name) or base == "onlinetext.html":
        return "online text"
    if base.endswith("_text.html"):
        return "online text"
    if base.endswith("_link.html"):
        return "links"
    match = _BLACKBOARD.fullmatch(base)
    if match and match["receipt"]:
        return "Blackboard receipts"
    return None


def canvas(name: str) -> Entry | None:
    if "/" in name:
        return None
    anon = _CANVAS_ANON.fullmatch(name)
    match = anon or _CANVAS.fullmatch(name)
    if not match:
        return None
    file, attempt = match["file"], 1
    again = _CANVAS_RESUBMITTED.fullmatch(file)
    if again:
        file, attempt = again["stem"] + again["ext"], int(again["n"]) + 1
    key = name[: match.start("attachment") - 1]
    student = None if anon else match["name"]
    return Entry("canvas", match["id"], student, bool(match["late"]), attempt, file, key)


def moodle(name: str) -> Entry | None:
    parts = name.split("/")
    folder = _MOODLE_FOLDER.fullmatch(parts[0]) if len(parts) > 1 else None
    match = folder or _MOODLE_FLAT.fullmatch(parts[0])
    if not match or match["plugin"] != "file":
        return None
    file = "/".join(parts[1:]) if folder else match["file"]
    key = parts[0] if folder else parts[0][: match.start("file") - 1]
    student = None if match["name"] == "Participant" else match["name"]
    return Entry("moodle", match["id"], student, None, None, file, key)  # its names say no lateness


def blackboard(name: str, assignment: str | None = None) -> Entry | None:
    """`assignment`: the part before `_{username}_attempt_` that every entry of the download
    shares (assignment_of); without it the username is the last part free of `_`."""
    match = _BLACKBOARD.fullmatch(name.split("/")[-1])
    if not match or not match["file"]:
        return None
    head = f"{match['assignment']}_{match['id']}"
    username = head[len(assignment) :] if assignment and head.startswith(assignment) else ""
    date, time = match["when"][:10], match["when"][11:].replace("-", ":")
    key = name[: match.start("file") - 1]
    # a username is no name to compare a title page with: student_name None
    return Entry(
        "blackboard", username or match["id"], None, None, f"{date}T{time}", match["file"], key
    )


def assignment_of(names: list[str]) -> str | None:
    """The `{assignment}_` that a Blackboard download's entries share, so that a username may
    hold `_` (`anna_s`); None where fewer than two students are in it (then nothing tells
    the assignment's last `_` from the username's)."""
    heads = set()
    for name in names:
        match = _BLACKBOARD.fullmatch(name.split("/")[-1])
        if match:
            heads.add(f"{match['assignment']}_{match['id']}")
    if len(heads) < 2:
        return None
    shared = os.path.commonprefix(sorted(heads))
    return shared[: shared.rfind("_") + 1] or None


PARSERS = {"canvas": canvas, "moodle": moodle, "blackboard": blackboard}


def recognise(names: list[str]) -> str | None:
    """The LMS whose form most of the entries (those that are submissions) have; None: a plain
    folder of reports."""
    counts = {lms: sum(parse(n) is not None for n in names) for lms, parse in PARSERS.items()}
    best = max(counts, key=lambda lms: counts[lms])
    return best if counts[best] and counts[best] * 2 >= len(names) else None
