"""The page reader: what a report PDF's pages show, as words with their boxes (pypdfium2),
de-hyphenated at line ends and sanitised, for integrity, arithmetic, flags and feedback.

reader.read_pages (lines and words where they are shown, table cells by their gaps),
text.sanitize (what may reach a renderer or a terminal), text.comparable (words as two renders
are compared), layout.content_words (without page numbers and running lines), and
figures.read_figures (each figure by its pixels).
"""

from .text import sanitize

__all__ = ["sanitize"]
