"""Read a PDF's pages as a reader sees them: characters where they are shown, lines, words.

PDFium (pypdfium2) gives each character of a page with its box, in the order of the page's
content stream. The stream's order is not the reading order when a PDF editor has changed the
page: it paints a white box over a number and appends the new digits at the end of the stream,
so get_text_range() reads them after the footer and the table cell under them as empty. Here the
characters are placed where they are shown instead:

1. the characters are grouped into lines as the stream draws them (one height, left to
   right), and a line drawn later over or beside an earlier one at its height (an editor's
   appended text, a list's marker, a table's next cell) is merged into it; the lines are read
   top to bottom, two things side by side (two confusion matrices) one after the other;
2. a character painted over is hidden, as on screen: one under a white fill painted after it
   (an editor's white box), and, in a line where a character of one text object covers half of
   one of another, every character within a later text object's run (an editor's new digits
   drawn over the old ones, which need not line up glyph by glyph);
3. the lines are split into words at spaces and at gaps wider than a fifth of the line's height
   (a space is about a quarter of it; table cells are further apart);
4. a word broken at a line end by the renderer (U+2010 or U+00AD ending the line) is joined
   with its rest on the next line, without the hyphen; an explicit hyphen that ends a line
   ('-', which PDFium reports as U+0002) stays, and text.comparable() joins it with its next
   word when two renders are compared;
5. every word is sanitised (text.sanitize): nothing read here reaches a renderer or a terminal
   with a control character, a lone surrogate or a noncharacter.

Measured on `make report`'s 22-page report (43 890 characters), the best of 7: 0.22 s with the
machine's load at 3 (get_text_range alone: 0.049 s), 1.7 s at a load of 12 (0.32 s): about
five times PDFium's plain text.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

from .boxes import Box, Char
from .covered import hide_covered
from .text import INSERTED_HYPHENS, PDFIUM_LINE_END_HYPHENS, sanitize

WORD_GAP = 0.2  # of a line's height: a gap wider than this between characters parts two words
CELL_GAP = 0.8  # of a line's height: wider than any space, so it parts two table cells
NEAR = 1.5  # of a line's height: lines drawn apart at one height and closer are one line (a
# table's name and description cells: 0.43; two confusion matrices side by side: 3.7)


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    box: Box


@dataclass
class Line:
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The line's words, a space apart."""
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        """The box around the line's words."""
        boxes = [w.box for w in self.words]
        return Box(
            min(b.left for b in boxes),
            min(b.bottom for b in boxes),
            max(b.right for b in boxes),
            max(b.top for b in boxes),
        )

    def cells(self) -> list[Word]:
        """The line's words grouped by the gaps between them: a table row's cells (a cell's
        words a space apart), each with its box."""
        if not self.words:
            return []
        height = max(w.box.top - w.box.bottom for w in self.words)
        out = [self.words[0]]
        for word in self.words[1:]:
            last = out[-1]
            if word.box.left - last.box.right > CELL_GAP * height:
                out.append(word)
            else:
                out[-1] = Word(f"{last.text} {word.text}", last.box.union(word.box))
        return out


@dataclass
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        """The page's words in reading order."""
        return [w.text for line in self.lines for w in line.words]

    @property
    def text(self) -> str:
        """The page's lines, a line each."""
        return "\n".join(line.text for line in self.lines)

    def cells_in(self, box: Box) -> list[Word]:
        """The cells (see Line.cells) whose centre lies inside `box`."""
        return [
            c
            for line in self.lines
            for c in line.cells()
            if box.holds((c.box.left + c.box.right) / 2, (c.box.bottom + c.box.top) / 2)
        ]


def read_pages(pdf: bytes) -> list[Page]:
    """Every page of `pdf`, as lines of words in reading order (see the module's docstring)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                rows = _rows(_chars(textpage))
                hide_covered(rows, textpage, page)
                width, height = page.get_size()
                lines = _sanitized(_dehyphenate([_words(row) for row in _shown(rows)]))
                pages.append(Page(index + 1, width, height, lines))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        document.close()


def _chars(textpage) -> list[Char]:
    """The page's characters with their loose boxes (the font's ascent to descent, the glyph's
    advance: one height for a line, so lines group cleanly). Spaces part words, the PDF's own
    and those PDFium infers from a gap (WeasyPrint draws some spaces as a gap: 1.4 pt between
    "Python." and "Journal" in the references); PDFium's line breaks are left out."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # a character beyond the BMP takes two: ask character by character
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    rect = raw.FS_RECTF()
    pointer = ctypes.byref(rect)
    out = []
    for i, char in enumerate(text):
        if char in "\r\n" or not raw.FPDFText_GetLooseCharBox(handle, i, pointer):
            continue
        if char in " \t":  # PDFium's own spaces too: it puts one where a gap is a space wide
            char = " "
        elif char in PDFIUM_LINE_END_HYPHENS:
            char = "-"
        if char == " " or rect.right > rect.left or rect.top > rect.bottom:
            out.append(Char(i, char, (rect.left, rect.bottom, rect.right, rect.top)))
    return out


def _rows(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines, each sorted left to right. A line is what the content
    stream draws in one go (a character joins the line before it when its vertical middle lies
    within that line's extent and it does not go back left), and a line drawn later over or
    next to an earlier one (the same height, overlapping it or nearer than NEAR: an editor's
    appended text, a list's marker, a table's next cell) is merged into it, so that text is
    read where it is shown. Lines keep the stream's order: two figures side by
    side stay one after the other, not interleaved."""
    drawn: list[list[Char]] = []
    low = high = right = 0.0
    for char in chars:  # in the stream's order
        middle = (char.top + char.bottom) / 2
        if drawn and low <= middle <= high and char.left >= right - (high - low):
            drawn[-1].append(char)
        else:
            drawn.append([char])
            low, high = char.bottom, char.top
        right = char.right
    rows: list[list[Char]] = []
    extents: list[list[float]] = []  # per row: bottom, top, left, right
    for line in drawn:
        bottom, top = line[0].bottom, line[0].top
        left, right = line[0].left, line[-1].right  # a drawn line goes left to right
        for char in line:
            if char.left < left:
                left = char.left
            if char.right > right:
                right = char.right
        middle = (bottom + top) / 2
        for row, extent in zip(rows, extents, strict=True):
            reach = NEAR * (extent[1] - extent[0])
            if (
                extent[0] <= middle <= extent[1]
                and left < extent[3] + reach
                and right > extent[2] - reach
            ):
                row.extend(line)
                extent[2], extent[3] = min(extent[2], left), max(extent[3], right)
                break
        else:
            rows.append(list(line))
            extents.append([bottom, top, left, right])
    for row in rows:
        row.sort(key=lambda c: c.left)
    return _reading_order(rows, extents)


def _reading_order(rows: list[list[Char]], extents: list[list[float]]) -> list[list[Char]]:
    """The lines top to bottom, but where two lines stand side by side (two figures, each its
    lines), all of the left one's lines before the right one's: a stretch of lines that do not
    cross the gutter between them is read column by column. The content stream's order is no
    guide here: WeasyPrint draws a table's cells column by column at times."""
    order = sorted(range(len(rows)), key=lambda i: -(extents[i][0] + extents[i][1]))
    out: list[int] = []
    i = 0
    while i < len(order):
        line = order[i]
        bottom, top, left, right = extents[line]
        beside = next(
            (
                other
                for other in order[i + 1 : i + 8]
                if extents[other][0] <= (bottom + top) / 2 <= extents[other][1]
                and (extents[other][2] > right or extents[other][3] < left)
            ),
            None,
        )
        if beside is None:
            out.append(line)
            i += 1
            continue
        # the gap between the two columns, narrowed by every line of the stretch
        ends = min(right, extents[beside][3])
        starts = max(left, extents[beside][2])
        lefts: list[int] = []
        rights: list[int] = []
        j, floor, step = i, bottom, top - bottom
        while j < len(order):
            y0, y1, x0, x1 = extents[order[j]]
            if floor - y1 > step:
                break  # a gap in height (a heading's margin after two figures): over too
            floor, step = min(floor, y0), y1 - y0
            if x1 <= starts:
                lefts.append(order[j])
                ends = max(ends, x1)
            elif x0 >= ends:
                rights.append(order[j])
                starts = min(starts, x0)
            else:
                break  # a line across the gap: the stretch is over
            j += 1
        out += lefts + rights
        i = j
    return [rows[k] for k in out]


def _shown(rows: list[list[Char]]) -> list[list[Char]]:
    """The rows without their hidden characters, and without rows left with only spaces."""
    out = [[c for c in row if not c.hidden] for row in rows]
    return [row for row in out if any(c.char != " " for c in row)]


def _words(row: list[Char]) -> Line:
    """A row's characters as words: parted at spaces and at gaps wider than WORD_GAP."""
    gap = WORD_GAP * max(c.top - c.bottom for c in row)
    words: list[Word] = []
    text: list[str] = []
    left = bottom = right = top = 0.0
    for char in row:
        if char.char == " " or (text and char.left - right > gap):
            if text:
                words.append(Word("".join(text), Box(left, bottom, right, top)))
            text = []
            if char.char == " ":
                continue
        if text:  # plain comparisons: min() and max() took a fifth of the reader's time
            if char.bottom < bottom:
                bottom = char.bottom
            if char.right > right:
                right = char.right
            if char.top > top:
                top = char.top
        else:
            left, bottom, right, top = char.left, char.bottom, char.right, char.top
        text.append(char.char)
    if text:
        words.append(Word("".join(text), Box(left, bottom, right, top)))
    return Line(words)


def _dehyphenate(lines: list[Line]) -> list[Line]:
    """A word the renderer broke at a line end (U+2010 or U+00AD last) joined with its rest,
    the next line's first word, on the line where it starts (again if the rest was all of its
    line and broke too: 'konfigura-' 'tions-' 'filen')."""
    lines = [line for line in lines if line.words]
    i = 0
    while i + 1 < len(lines):
        line, following = lines[i], lines[i + 1]
        last = line.words[-1]
        height = line.box.top - line.box.bottom
        below = line.box.bottom - 2 * height < following.box.top <= line.box.bottom + 1
        if below and last.text.endswith(INSERTED_HYPHENS) and len(last.text) > 1:
            rest = following.words.pop(0)
            line.words[-1] = Word(last.text[:-1] + rest.text, last.box.union(rest.box))
            if not following.words:
                del lines[i + 1]
                continue  # the joined word may end in a hyphen again
        i += 1
    return lines


def _sanitized(lines: list[Line]) -> list[Line]:
    out = [Line([Word(t, w.box) for w in line.words if (t := sanitize(w.text))]) for line in lines]
    return [line for line in out if line.words]
