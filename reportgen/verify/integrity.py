"""Integrity: regenerate the PDF from its own attachments and compare it with the submission.

Where the render environment equals the build's (reportgen, matplotlib, Jinja2, WeasyPrint,
pydyf, Pango, HarfBuzz, the font files), the regenerated PDF must be byte-identical. Elsewhere
the text of every page is compared, as words in reading order: any difference is tampering,
listed as page, what the analysis says -> what the PDF says.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..bundle.submission import Submission
from ..errors import ReportgenError

RENDER_LIBRARIES = ("matplotlib", "jinja2", "weasyprint")
CONTEXT_WORDS = 3


class VersionMismatch(ReportgenError):
    """The submission was built by another reportgen version: its report cannot be regenerated."""


@dataclass
class Integrity:
    status: str  # byte-identical | text-identical | tampered
    details: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # page, before (regenerated), after (PDF)
    environment: list[str] = field(default_factory=list)  # what differs from the build's
    regenerated: bytes | None = None  # the regenerated report, kept when it is not the PDF's
    recalled: bool = False  # the render's digest came from the cache folder (render_memo)


def environment_differences(sub: Submission) -> list[str]:
    """What differs between the build's render environment and this machine's."""
    from ..bundle.manifest import code_digest
    from ..pipeline import environment
    from ..report.pdf import render_environment

    out = []
    here = environment()
    for lib in RENDER_LIBRARIES:
        theirs = sub.results.environment.get(lib, "unknown")
        if theirs != here.get(lib):
            out.append(f"{lib} {theirs} -> {here.get(lib)}")
    if sub.manifest is None:
        return out + ["no manifest: the build's Pango, HarfBuzz and fonts are unknown"]
    built, local = sub.manifest.render_environment.model_dump(), render_environment()
    for key in ("pydyf", "pango", "harfbuzz", "harfbuzz_subset"):
        if built[key] != local[key]:
            out.append(f"{key} {built[key]} -> {local[key]}")
    fonts_here = {f["name"]: f["sha256"] for f in local["fonts"]}
    for font in built["fonts"]:
        if fonts_here.get(font["name"]) != font["sha256"]:
            out.append(f"font {font['name']} differs")
    if sub.manifest.reportgen_code != code_digest():
        out.append(f"reportgen's code differs from the build's (both say version {__version__})")
    return out


def regenerate(sub: Submission, folder: Path, use_cache: bool = True) -> tuple[bytes, bool]:
    """The report PDF rendered again from the submission's results and templates (the figures
    from the cache folder where `use_cache` and they are there), and whether it was recalled:
    where `use_cache` and this machine rendered the same inputs before to the submission's very
    bytes (render_memo), those bytes are the answer and nothing is rendered. The render runs in
    a budgeted subprocess, in the submission's own render stack (regeneration.py); what it did
    beyond the bytes is regenerate_submission's Regeneration."""
    from .regeneration import regenerate_submission

    done = regenerate_submission(sub, folder, use_cache)
    return done.pdf, done.recalled


def _normalise(text: str) -> str:
    """Page text as words: hyphenation at line ends (U+2010) joined, soft hyphens dropped."""
    text = re.sub("\u2010[\r\n]+", "", text).replace("\u00ad", "")
    return text.replace("\x02", "")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, in reading order (pypdfium2, PDFium's text layer), a line per line."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(_normalise(textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


def page_words(pdf: bytes) -> list[list[str]]:
    """Each page's words, in reading order."""
    return [text.split() for text in page_texts(pdf)]


def text_changes(regenerated: bytes, submitted: bytes) -> list[dict]:
    """Where the submitted PDF's words differ from the regenerated one's: page (of the
    submission), before (regenerated) -> after (submitted), with a few words of context."""
    theirs = [(page + 1, w) for page, words in enumerate(page_words(submitted)) for w in words]
    ours = [w for words in page_words(regenerated) for w in words]
    after_words = [w for _, w in theirs]
    matcher = difflib.SequenceMatcher(None, ours, after_words, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        page = theirs[min(j1, len(theirs) - 1)][0] if theirs else 1
        lead = " ".join(after_words[max(j1 - CONTEXT_WORDS, 0) : j1])
        tail = " ".join(after_words[j2 : j2 + CONTEXT_WORDS])
        changes.append(
            {
                "page": page,
                "before": " ".join(filter(None, [lead, " ".join(ours[i1:i2]), tail])),
                "after": " ".join(filter(None, [lead, " ".join(after_words[j1:j2]), tail])),
            }
        )
    return changes


def check_integrity(sub: Submission, use_cache: bool = True) -> Integrity:
    """Regenerate and compare; a RenderError (a sandbox refusal, say) passes through."""
    if sub.problems:
        return Integrity("tampered", list(sub.problems))
    built = sub.manifest.reportgen_version if sub.manifest else sub.results.reportgen_version
    if built != __version__:
        raise VersionMismatch(
            f"{sub.path} was built with reportgen {built}, this is {__version__}: verify it with "
            f"reportgen {built} (pip install reportgen=={built})"
        )
    from .regeneration import regenerate_submission

    environment = environment_differences(sub)
    with tempfile.TemporaryDirectory(prefix="reportgen-verify-") as tmp:
        regeneration = regenerate_submission(sub, Path(tmp), use_cache)
    regenerated, recalled = regeneration.pdf, regeneration.recalled
    if regeneration.own_environment:  # rendered by the recorded stack: no longer a difference
        made = {line.split()[0] for line in regeneration.stack}
        environment = [line for line in environment if line.split()[0] not in made]
    if regeneration.reason:  # a stack that is not deterministic: its bytes cannot be compared
        environment.append(regeneration.reason)
    if regeneration.fallback:
        environment.append(regeneration.fallback)
    if not environment and regenerated == sub.pdf:
        return Integrity("byte-identical", recalled=recalled)
    changes = text_changes(regenerated, sub.pdf)
    if changes:
        return Integrity(
            "tampered", [f"{len(changes)} text change(s)"], changes, environment, regenerated
        )
    if not environment:
        return Integrity(
            "tampered",
            [
                "the PDF's bytes differ from the regenerated report's, though every page's text is "
                "the same: the file was changed after the build"
            ],
            [],
            environment,
            regenerated,
        )
    return Integrity("text-identical", [], [], environment, regenerated)
