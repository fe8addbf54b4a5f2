"""What a page shows because of its layout, not its content: the running lines, page numbers.

Two render stacks may paginate one report differently: the running footer's "Sida 7 av 22"
and the table of contents' page numbers (and its leader dots) then differ though no word of the
content does. When the bytes cannot be compared, these are left out: a line at the height where
the top or the bottom line of at least half the pages (three or more) stands is a running
header or footer (where it falls among the words depends on the page breaks); a line with
leader dots (three or more words of dots) is a table of contents' entry, its dots dropped and
its page number '#'.
"""

from __future__ import annotations

from collections import Counter

from .reader import Line, Page

PLACEHOLDER = "#"


def _is_dots(word: str) -> bool:
    return set(word) == {"."}


def _height(line: Line) -> tuple[float, float]:
    return round(line.box.bottom), round(line.box.top)


def running_lines(pages: list[Page]) -> set[tuple[float, float]]:
    """Where the running header and footer stand: the heights (bottom, top, to a point) at
    which the top or the bottom line of at least half the pages (three or more) stands."""
    seen: Counter[tuple[float, float]] = Counter()
    for page in pages:
        if page.lines:
            top = max(page.lines, key=lambda line: line.box.top)
            bottom = min(page.lines, key=lambda line: line.box.bottom)
            seen.update({_height(top), _height(bottom)})
    return {h for h, n in seen.items() if n >= max(3, len(pages) // 2)}


def content_words(pages: list[Page]) -> list[list[str]]:
    """Each page's words without its running header and footer, and its table of contents'
    page numbers as placeholders (see the module's docstring)."""
    running = running_lines(pages)
    out = []
    for page in pages:
        words: list[str] = []
        for line in page.lines:
            texts = [w.text for w in line.words]
            if _height(line) in running:
                continue  # where a page breaks is layout, so where these lines fall is too
            if sum(_is_dots(t) for t in texts) >= 3:
                kept = [t.rstrip(".") or t for t in texts if not _is_dots(t)]
                if kept and kept[-1].isdigit():
                    kept[-1] = PLACEHOLDER
                words += kept
            else:
                words += texts
        out.append(words)
    return out
