"""The readable text of report HTML, one line per block: what the diff's text part compares."""

from __future__ import annotations

from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    """The readable text of report HTML, one line per block, without style or script."""

    BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "caption", "figcaption", "div", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self.skip -= 1
        elif tag in self.BLOCKS or tag in ("td", "th"):
            if tag in ("td", "th"):
                self.current.append(" | ")
            else:
                self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def _flush(self) -> None:
        line = " ".join("".join(self.current).split()).strip(" |")
        if line:
            self.lines.append(line)
        self.current = []


def html_text(html: str) -> list[str]:
    """Report HTML as lines of text, for a readable unified diff."""
    parser = _TextExtractor()
    parser.feed(html)
    parser._flush()
    return parser.lines
