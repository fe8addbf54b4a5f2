"""Text read from a PDF, made safe and comparable: sanitising and line-end hyphens.

PDFium (pypdfium2) hands back what a PDF's ToUnicode maps say, which is not always printable:
an explicit hyphen that ends a line comes back as U+0002 (U+FFFE in get_text_range), a PDF can
map a glyph to a control character, a lone surrogate or a noncharacter, and none of these may
reach a renderer (WeasyPrint stops on a glyph no font has) or a terminal.
"""

from __future__ import annotations

import re
import unicodedata

# PDFium's marks for an explicit hyphen that ends a line ('-' in the PDF's text)
PDFIUM_LINE_END_HYPHENS = ("\x02", "\ufffe")
# What a renderer inserts where it breaks a word (CSS hyphens: auto, or a soft hyphen in the
# text): WeasyPrint draws its hyphenate-character, U+2010, and a PDF may carry U+00AD itself
INSERTED_HYPHENS = ("\u2010", "\u00ad")
JOINING = ("-", "/", "\u2013", "\u2014")  # a line may break after these, inside a word
LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\ufb05": "st", "\ufb06": "st",
}  # fmt: skip
_DROPPED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")  # controls, format, surrogates, private, none
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_SPACES = re.compile(r"[\t\n\r\f\v ]+")


def sanitize(text: str) -> str:
    """`text` with nothing a font or a terminal cannot show: ligatures as their letters, tabs
    and line breaks as spaces, and controls, format characters, lone surrogates, private-use
    characters and noncharacters (U+FFFE) dropped."""
    if text.isprintable() and not _LIGATURE.search(text):
        return text  # the common case, in a tenth of the time
    # a surrogate pair split over two of PDFium's characters becomes one character again
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _SPACES.sub(" ", text)
    out = []
    for char in text:
        char = LIGATURES.get(char, char)
        if char == "\ufffd" or unicodedata.category(char[0]) in _DROPPED_CATEGORIES:
            continue
        if 0xFDD0 <= ord(char[0]) <= 0xFDEF or (ord(char[0]) & 0xFFFE) == 0xFFFE:
            continue
        out.append(char)
    return "".join(out)


def comparable(words: list[str]) -> list[tuple[int, str]]:
    """Words as two renders of one text are compared, each with the index of its first word in
    `words`: a word that ends with a hyphen is joined with the next one ('validerings-' 'och'
    -> 'validerings-och', whether the line broke after the hyphen or not; 'Python-' 'program'
    -> 'Python-program'; 'https://' 'example.org' -> 'https://example.org'), and a renderer's
    inserted hyphens (U+2010, U+00AD) are dropped wherever they are. The rest counts."""
    out: list[tuple[int, str]] = []
    joined = False
    for index, shown in enumerate(words):
        word = shown.replace("\u2010", "").replace("\u00ad", "")
        if not word:
            continue
        if joined and out:
            out[-1] = (out[-1][0], out[-1][1] + word)
        else:
            out.append((index, word))
        # a hyphen the renderer inserted that ends a page: the word goes on on the next one
        # and so does a web address broken after a slash and a range broken after its dash
        joined = len(word) > 1 and word.endswith(JOINING) or shown.endswith(INSERTED_HYPHENS)
    return out
