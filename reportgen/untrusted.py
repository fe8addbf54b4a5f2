"""Text read from a submission (its pages, its attachments, an LMS download's names), made safe
before it reaches a renderer, a terminal or a CSV.

What is replaced, by U+FFFD (a visible mark that something was there; it is evidence):
- noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF, the last two of every plane): pypdfium2 reads a
  hyphen that ends a line as U+FFFE, and no font draws one;
- control characters (C0, DEL, C1), but tab and newline where the text may have lines: an ESC
  would drive a terminal, a NUL ends a C string, and a PDF renderer refuses them;
- unpaired surrogates (from JSON escapes such as "\\ud800" or undecodable file names): they
  cannot be encoded as UTF-8, so the first write of such text would fail;
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what a page
  or a terminal shows, so a reader would see other text than the file holds.
Line breaks (CRLF, CR, U+2028, U+2029) become a newline where lines are kept, else a space.

A CSV cell that a spreadsheet would run as a formula is neutralised where every CSV is written
(tables.spreadsheet_safe).
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"

_BIDI = "\u202a-\u202e\u2066-\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_UNSAFE = re.compile(f"[{_CONTROLS}{_BIDI}{_NONCHARACTERS}\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029]")
_ONE_LINE = re.compile("[\t\n]")


def _plane_end(char: str) -> bool:
    """U+1FFFE, U+1FFFF, ..., U+10FFFF: noncharacters outside the basic plane."""
    return ord(char) > 0xFFFF and (ord(char) & 0xFFFE) == 0xFFFE


def clean_text(text: str, lines: bool = True) -> str:
    """`text` with what no renderer, terminal or CSV should get replaced by U+FFFD; `lines`:
    tabs and newlines stay (line breaks as newlines), else they become spaces."""
    if text.isascii() and text.isprintable():
        return text  # nearly every string: no work
    text = _LINE_BREAKS.sub("\n", text)
    text = _UNSAFE.sub(REPLACEMENT, text)
    if any(ord(c) > 0xFFFF for c in text):
        text = "".join(REPLACEMENT if _plane_end(c) else c for c in text)
    return text if lines else _ONE_LINE.sub(" ", text)


def clean_line(text: str) -> str:
    """`text` as one line (a table cell, a console line, a CSV field): clean_text without tabs
    or newlines."""
    return clean_text(text, lines=False)


def clean_data(value: Any, lines: bool = True) -> Any:
    """Every string in `value` (dicts, lists and tuples of them, keys too) cleaned."""
    if isinstance(value, str):
        return clean_text(value, lines)
    if isinstance(value, dict):
        return {clean_data(k, lines): clean_data(v, lines) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_data(v, lines) for v in value)
    return value
