"""An earlier check of a class (`verify --previous DIR`): its summary.json, read as untrusted
input. Only what verify.changes compares is read and checked; a folder that is not an earlier
`verify --summary DIR` is refused in one line before any submission is verified."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import ReportgenError
from .outcome import VERDICTS

MAX_BYTES = 64 * 1024 * 1024  # a summary of thousands of submissions is a few MiB
FIX = "give the --summary DIR an earlier `reportgen verify` wrote"


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Rebuilt(_Loose):
    fingerprint: str | None = None
    kernel: str | None = None  # the BLAS kernel it was rebuilt on (before: not recorded)
    scores: dict[str, float | None] = Field(default_factory=dict)


class Facts(_Loose):
    scores: dict[str, float | None] = Field(default_factory=dict)


class Entry(_Loose):
    """What a later check compares of one earlier submission."""

    path: str
    verdict: Literal[VERDICTS]  # type: ignore[valid-type]
    grade: float | None = None
    sha256: str | None = None
    lms: str | None = None
    student_id: str | None = None
    student_name: str | None = None
    latest: bool | None = None
    identity: str | None = None
    departs: list[str] | None = None
    facts: Facts | None = None
    rebuilt: Rebuilt | None = None
    checks: dict[str, Any] = Field(default_factory=dict)


class Course(_Loose):
    file: str
    sha256: str
    keys: dict[str, Any]


class Program(_Loose):
    version: str
    code: str


class CheckedWith(_Loose):
    reportgen: Program
    libraries: dict[str, str]
    tolerance: float
    course: Course | None = None


class Summary(_Loose):
    """An earlier summary.json: its submissions and, where it records it (reportgen writes it
    from the first version with --previous), what that check was made with."""

    submissions: list[Entry]
    checked_with: CheckedWith | None = None


def load_previous(folder: str | Path) -> Summary:
    """The summary.json of `folder` (or the file itself), checked; else one line, exit 2."""
    path = Path(folder)
    if path.is_dir():
        path = path / "summary.json"
    shown = f"--previous {folder}"
    if not path.exists():
        where = "no such folder" if not Path(folder).exists() else "no summary.json in it"
        raise ReportgenError(f"{shown}: {where}: {FIX}")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ReportgenError(
                f"{shown}: summary.json is over {MAX_BYTES // 2**20} MiB, no class summary: {FIX}"
            )
        data = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise ReportgenError(f"{shown}: summary.json cannot be read ({exc}): {FIX}") from None
    except json.JSONDecodeError as exc:
        raise ReportgenError(
            f"{shown}: summary.json is not JSON (line {exc.lineno}: {exc.msg}): {FIX}"
        ) from None
    try:
        return Summary.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top"
        raise ReportgenError(
            f"{shown}: summary.json is not a verify summary ({where}: {first['msg']}): {FIX}"
        ) from None
