"""The student's own sections as HTML: Markdown (raw HTML and images off, tables on) whose live
values are the run's numbers, written as the report writes them.

Each live value (sections.py) is evaluated by Jinja2's sandbox over `values(results)`, a plain
dict of strings and lists made here and nothing else, and stands in the HTML as
`<span class="live">…</span>`. The student's headings are put under the section's own heading
(`#` is the level below it) and never skip a level, so the tagged PDF's outline stays whole.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from markupsafe import Markup, escape

from ..models import CLASSIFICATION, MODELS
from ..numbers import integer, metric
from ..results import Results
from ..sections import BEST, FAMILY_METRICS, PHASES, PLACES, SPLITS, live_values
from .language import Language

SECTION_LEVEL = 1  # every section a student may write sits under a level-1 heading


def _marks(text: str) -> tuple[str, re.Pattern]:
    """A live value's place in the Markdown while it is parsed: private-use characters around
    a key and its number, which Markdown leaves as they are (percent-encoded inside a link's
    address). The key is the text's own digest, so no text can hold a mark of its own (a
    student's own private-use characters stay text): (a mark's start, the pattern of marks)."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"\ue000{key}", re.compile(f"\ue000{key}(\\d+)\ue001|%EE%80%80{key}(\\d+)%EE%80%81")


def values(results: Results, lang: Language, names: dict[str, str], best: dict[str, str]) -> dict:
    """Everything a live value may name, as the report writes it: `names` the models' names in
    the report's language, `best` the best regressor's and classifier's registry keys (as the
    report chose them)."""

    def fits(key: str, family: str) -> dict[str, Any]:
        model = results.models[key]
        out: dict[str, Any] = {"name": names[key]}
        for phase in PHASES:
            fit = getattr(model, phase)
            out[phase] = {
                split: {
                    m: metric(m, getattr(getattr(fit, split), m), lang.code)
                    for m in FAMILY_METRICS[family]
                }
                for split in SPLITS
            }
        return out

    found: dict[str, Any] = {key: fits(key, spec.family) for key, spec in MODELS.items()}
    for which, family in BEST.items():
        found[which] = fits(best[which], family)
    found["confusion"] = {
        key: {
            phase: [
                [integer(n, lang.code) for n in row]
                for row in getattr(results.models[key], phase).confusion_matrix
            ]
            for phase in PHASES
        }
        for key, spec in MODELS.items()
        if spec.family == CLASSIFICATION
    }
    sizes = results.data.split_sizes
    found["data"] = {
        "n_samples": integer(results.data.n_samples, lang.code),
        "split": {
            "train": integer(sizes.train, lang.code),
            "validation": integer(sizes.validation, lang.code),
            "test": integer(sizes.test, lang.code),
        },
    }
    return found


def _evaluate(expressions: list[str], given: dict[str, Any]) -> list[str]:
    """Each expression evaluated in Jinja2's sandbox over `given` alone (strict: an unknown
    name is an error, never empty text)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    return [str(env.compile_expression(e, undefined_to_none=False)(**given)) for e in expressions]


def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def _nest_headings(tokens: list, level: int) -> None:
    """The student's headings one level below the section's, never skipping a level."""
    previous, open_tags = level, []
    for token in tokens:
        if token.type == "heading_open":
            own = int(token.tag[1:])
            new = min(own + level, previous + 1, 6)
            token.tag = f"h{new}"
            open_tags.append(token.tag)
            previous = new
        elif token.type == "heading_close":
            token.tag = open_tags.pop()


def render_section(text: str, given: dict[str, Any]) -> tuple[Markup, int]:
    """A section's Markdown as HTML with its live values from `given`: (HTML, how many)."""
    lives = live_values(text)
    shown = _evaluate([live.expression for live in lives], given)
    start, marks = _marks(text)
    parts, at = [], 0
    for i, live in enumerate(lives):
        parts += [text[at : live.start], f"{start}{i}\ue001"]
        at = live.end
    parts.append(text[at:])
    md = _parser()
    tokens = md.parse("".join(parts))
    _nest_headings(tokens, SECTION_LEVEL)
    html = md.renderer.render(tokens, md.options, {})

    def plain(match: re.Match) -> str:
        return str(escape(shown[int(match.group(1) or match.group(2))]))

    def live(match: re.Match) -> str:
        return f'<span class="live">{plain(match)}</span>'

    # inside an attribute (a link's address or title) a value stays plain text; Markdown
    # escapes every quote of the text, so `="…"` is an attribute
    html = re.sub(r'="[^"]*"', lambda attribute: marks.sub(plain, attribute.group(0)), html)
    return Markup(marks.sub(live, html)), len(lives)


def own_sections(
    results: Results, lang: Language, names: dict[str, str], regressor: str, classifier: str
) -> dict[str, dict[str, Any] | None]:
    """Each section the student wrote: its HTML, where it goes (replaces or follows the shipped
    text), its file's name and how many live values it shows; None for each other section."""
    out: dict[str, dict[str, Any] | None] = dict.fromkeys(PLACES)
    if not results.sections:
        return out
    best = {"best_regressor": regressor, "best_classifier": classifier}
    given = values(results, lang, names, best)
    for key, section in results.sections.items():
        html, count = render_section(section.text, given)
        out[key] = {"html": html, "place": PLACES[key], "source": section.source, "live": count}
    return out
