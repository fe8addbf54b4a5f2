"""Integrity: regenerate the PDF from its own attachments and compare it with the submission.

Where the render environment equals the build's (reportgen, matplotlib, Jinja2, WeasyPrint,
pydyf, Pango, HarfBuzz, the font files), the regenerated PDF must be byte-identical. Elsewhere
the bytes cannot be compared, and what a reader sees is (reportgen.pages): every page's words
in reading order, after undoing the line breaks' hyphenation (pages.text.comparable), every
number among them exactly, and every figure by its pixels (pages.figures). All the same: the
status is `consistent` (older summaries say `text-identical`); any changed word, number or
figure is tampering, listed as page, what the analysis says -> what the PDF says.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..bundle.submission import Submission
from ..errors import ReportgenError
from ..pages.figures import Figure, read_figures
from ..pages.layout import content_words
from ..pages.reader import Page, read_pages
from ..pages.text import comparable

RENDER_LIBRARIES = ("matplotlib", "jinja2", "weasyprint")
CONTEXT_WORDS = 3


class VersionMismatch(ReportgenError):
    """The submission was built by another reportgen version: its report cannot be regenerated."""


@dataclass
class Integrity:
    status: str  # byte-identical | consistent | tampered (older summaries: text-identical)
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


def _compared(pages: list[Page], layout_free: bool = False) -> list[tuple[int, str]]:
    """(page, word) of every word of the document, as compared: a word that ends a page with a
    hyphen is joined with the next page's first word, as within a page; `layout_free`: page
    numbers as placeholders (pages.layout)."""
    words = content_words(pages) if layout_free else [page.words for page in pages]
    numbered = [
        (page.number, word) for page, shown in zip(pages, words, strict=True) for word in shown
    ]
    return [(numbered[i][0], word) for i, word in comparable([w for _, w in numbered])]


def word_changes(
    regenerated: list[Page], submitted: list[Page], layout_free: bool = False
) -> list[dict]:
    """Where the submitted pages' words differ from the regenerated ones': page (of the
    submission), before (regenerated) -> after (submitted), with a few words of context;
    `layout_free`: page numbers not compared (where the render stack differs, pagination may)."""
    theirs = _compared(submitted, layout_free)
    ours = [w for _, w in _compared(regenerated, layout_free)]
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


def figure_changes(regenerated: list[Figure], submitted: list[Figure]) -> list[dict]:
    """Where the submitted PDF's figures differ from the regenerated one's: a figure that shows
    something else, or one more or fewer (the two lists aligned by the figures' sizes)."""
    ours = [f.pixels.shape for f in regenerated]
    theirs = [f.pixels.shape for f in submitted]
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(range(i1, i2), range(j1, j2), strict=False))
        for i, j in pairs:
            if not regenerated[i].same_as(submitted[j]):
                share = regenerated[i].difference(submitted[j])
                changes.append(
                    {
                        "page": submitted[j].page,
                        "before": f"figure {j + 1}, as the attached results draw it",
                        "after": f"figure {j + 1}, {share:.1%} of its pixels different",
                    }
                )
        if tag != "equal" and i2 - i1 != j2 - j1:
            page = submitted[min(j1, len(submitted) - 1)].page if submitted else 1
            changes.append(
                {
                    "page": page,
                    "before": f"{i2 - i1} figure(s) here",
                    "after": f"{j2 - j1} figure(s) here",
                }
            )
    return changes


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def judge(
    pdf: bytes, regenerated: bytes, environment: list[str], recalled: bool = False
) -> Integrity:
    """The integrity verdict once the report is regenerated: byte-identical; or, where the
    render environment differs and bytes cannot be compared, consistent when every word,
    number and figure a reader sees is the same; else tampered, with what changed."""
    if not environment and regenerated == pdf:
        return Integrity("byte-identical", recalled=recalled)
    ours, theirs = read_pages(regenerated), read_pages(pdf)
    changes = word_changes(ours, theirs, layout_free=bool(environment))
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
    figures = read_figures(pdf, theirs)
    changes = figure_changes(read_figures(regenerated, ours), figures)
    if changes:
        return Integrity(
            "tampered",
            [f"{len(changes)} figure change(s): every word is the same, a figure is not"],
            changes,
            environment,
            regenerated,
        )
    words = _compared(theirs, layout_free=True)
    numbers = sum(_has_digit(w) for _, w in words)
    reason = (
        f"the render stack differs: {'; '.join(environment)}; every page's words ({len(words)}), "
        f"every number ({numbers}) and every figure ({len(figures)}) are the same; "
        + (
            "the bytes are the same too"
            if regenerated == pdf
            else "the bytes and the page numbers could not be compared"
        )
    )
    return Integrity("consistent", [reason], [], environment, regenerated)


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
    if regeneration.own_environment:  # rendered by the recorded stack: no longer a difference
        made = {line.split()[0] for line in regeneration.stack}
        environment = [line for line in environment if line.split()[0] not in made]
    if regeneration.reason:  # a stack that is not deterministic: its bytes cannot be compared
        environment.append(regeneration.reason)
    if regeneration.fallback:
        environment.append(regeneration.fallback)
    return judge(sub.pdf, regeneration.pdf, environment, regeneration.recalled)
