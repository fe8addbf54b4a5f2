"""A handed-in report PDF: its bytes, results, custom templates and manifest, read as hostile.

What cannot be read at all (not a PDF, encrypted, oversized, results.json missing or breaking
the schema) is an InputError. What can be read but does not match the manifest (an attachment
changed, added, doubled or removed after the build) is listed in `problems`: the submission was
tampered with, and verify says how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..results import RESULTS_FILE, Results, parse_results
from .attachments import REPORT_HINT, attachments_of, read_pdf
from .manifest import (
    MANIFEST_FILE,
    MAX_TEMPLATE_FILES,
    TEMPLATE_PREFIX,
    Manifest,
    parse_manifest,
    sha256,
)


class Unattached(InputError):
    """A PDF without the results.json a build attaches: often a report re-saved by a viewer or
    printed to PDF, which drops attachments. verify reads its pages instead (unverifiable)."""


def producer_of(raw: bytes) -> str:
    """The program that wrote the PDF (its /Producer), or '' when it says none."""
    import io

    from pypdf import PdfReader

    try:
        info = PdfReader(io.BytesIO(raw), strict=False).metadata or {}
        return " ".join(str(info.get("/Producer", "") or "").split())[:80]
    except Exception:  # noqa: BLE001 (a damaged file names no producer)
        return ""


@dataclass(frozen=True)
class Submission:
    """What one report PDF carries."""

    path: Path
    pdf: bytes
    results: Results
    templates: dict[str, str]
    manifest: Manifest | None  # None: a PDF from before manifests (results.json alone)
    problems: list[str] = field(default_factory=list)
    results_sha256: str = ""  # of the attached results.json's bytes, as attached

    @property
    def author(self) -> str:
        return self.results.config.report.author


def _choose(
    name: str, versions: list[bytes], manifest: Manifest | None, problems: list[str]
) -> bytes:
    """The attachment the build wrote under `name`: the one that matches the manifest."""
    if len(versions) > 1:
        problems.append(f"{len(versions)} files are attached as {name}; a build attaches one")
    if manifest is None:
        return versions[0]
    record = next(a for a in manifest.attachments if a.name == name)
    matching = [v for v in versions if len(v) == record.size and sha256(v) == record.sha256]
    if not matching:
        problems.append(f"{name} does not match the manifest: it was changed after the build")
        return versions[0]
    return matching[0]


def read_submission(path: str | Path, raw: bytes | None = None) -> Submission:
    """Read a report PDF (or its bytes `raw`, read elsewhere from `path`); see the module's
    docstring for what is an error and what a problem."""
    raw, found = parse_pdf(path, raw)
    return submission_of(path, raw, found)


def parse_pdf(path: str | Path, raw: bytes | None = None) -> tuple[bytes, dict[str, list[bytes]]]:
    """A report PDF's bytes and its attachments (name -> contents): the slow part of reading a
    submission (pypdf parses the object stream that holds the catalog), kept apart so that a
    class is parsed once (verify.batch)."""
    raw = read_pdf(Path(path)) if raw is None else raw
    return raw, attachments_of(raw, Path(path))


def submission_of(path: str | Path, raw: bytes, found: dict[str, list[bytes]]) -> Submission:
    """The submission whose PDF bytes `raw` carry the attachments `found` (parse_pdf)."""
    path = Path(path)
    problems: list[str] = []
    manifest = None
    if MANIFEST_FILE in found:
        if len(found[MANIFEST_FILE]) > 1:
            problems.append(f"{len(found[MANIFEST_FILE])} files are attached as {MANIFEST_FILE}")
        manifest = parse_manifest(found[MANIFEST_FILE][0], f"{path} (attached {MANIFEST_FILE})")
    listed = {a.name for a in manifest.attachments} if manifest else set(found) - {MANIFEST_FILE}
    chosen = {}
    for name, versions in found.items():
        if name == MANIFEST_FILE:
            continue
        if name not in listed:
            problems.append(f"{name} is attached but not in the manifest: added after the build")
            continue
        chosen[name] = _choose(name, versions, manifest, problems)
    problems += [
        f"{name} is in the manifest but not attached: removed after the build"
        for name in sorted(listed - set(found))
    ]
    if RESULTS_FILE not in chosen:
        producer = producer_of(raw)
        if producer and not producer.startswith("WeasyPrint"):
            raise Unattached(
                f"{path} has no attached {RESULTS_FILE}: re-saved by {producer}; ask for the "
                "original file, the report PDF made by `reportgen build`"
            )
        raise Unattached(f"{path} has no attached {RESULTS_FILE}: {REPORT_HINT}")
    results = parse_results(chosen[RESULTS_FILE], f"{path} (attached {RESULTS_FILE})")
    templates = {}
    for name, data in chosen.items():
        if not name.startswith(TEMPLATE_PREFIX):
            continue
        if len(templates) >= MAX_TEMPLATE_FILES:
            raise InputError(f"{path} carries more than {MAX_TEMPLATE_FILES} templates: refused")
        try:
            templates[name.removeprefix(TEMPLATE_PREFIX)] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path}: attached {name} is not UTF-8 text: refused") from None
    digest = sha256(chosen[RESULTS_FILE])
    return Submission(path, raw, results, templates, manifest, problems, digest)
