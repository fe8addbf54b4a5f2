"""HTML -> PDF with WeasyPrint: fixed fonts, no network, no clock, results.json attached."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import RenderError
from ..files import write_atomic

# (family, weight, style, file) of the DejaVu faces that matplotlib ships.
FACES = [
    ("DejaVu Serif", "normal", "normal", "DejaVuSerif.ttf"),
    ("DejaVu Serif", "bold", "normal", "DejaVuSerif-Bold.ttf"),
    ("DejaVu Serif", "normal", "italic", "DejaVuSerif-Italic.ttf"),
    ("DejaVu Serif", "bold", "italic", "DejaVuSerif-BoldItalic.ttf"),
    ("DejaVu Sans", "normal", "normal", "DejaVuSans.ttf"),
    ("DejaVu Sans", "bold", "normal", "DejaVuSans-Bold.ttf"),
    ("DejaVu Sans", "normal", "italic", "DejaVuSans-Oblique.ttf"),
    ("DejaVu Sans", "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
    ("DejaVu Sans Mono", "normal", "normal", "DejaVuSansMono.ttf"),
    ("DejaVu Sans Mono", "bold", "normal", "DejaVuSansMono-Bold.ttf"),
]
PANGO_HINT = (
    "WeasyPrint cannot load Pango ({exc}): install it with "
    "`sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`"
)


def font_dir() -> Path:
    """matplotlib's bundled TTF folder: the same DejaVu files on every machine."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_css(folder: Path) -> str:
    """@font-face rules binding the DejaVu families to the files in `folder`."""
    rules = [
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(folder / name).as_uri()}"); }}'
        for family, weight, style, name in FACES
    ]
    return "\n".join(rules)


def _weasyprint() -> Any:
    """Import WeasyPrint lazily; a missing Pango becomes an actionable RenderError."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise RenderError(
            PANGO_HINT.format(exc=str(exc).splitlines()[0] if str(exc) else exc)
        ) from None
    return weasyprint


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def restricted_fetcher(weasyprint: Any, roots: list[Path]) -> Any:
    """A URL fetcher that reads only file: URLs inside `roots` (and inline data:); no network."""
    resolved = [Path(r).resolve() for r in roots]

    class RestrictedFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":  # inline bytes, e.g. imshow PNGs inside matplotlib SVGs
                return super().fetch(url, headers)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"refused non-local URL {url[:80]}")
            path = Path(unquote(parts.path)).resolve()
            if not _inside(path, resolved) or not path.is_file():
                raise ValueError(f"refused file outside the report folder: {path}")
            return weasyprint.urls.URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": _mime(path)}
            )

    return RestrictedFetcher()


def _mime(path: Path) -> str:
    return {
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".ttf": "font/ttf",
        ".css": "text/css",
        ".jpg": "image/jpeg",
        ".json": "application/json",
    }.get(path.suffix.lower(), "application/octet-stream")


# An undated report's attachments carry this time, the earliest a ZIP file can hold, as
# reproducible builds do: never the clock.
UNDATED = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def report_datetime(date: str) -> dt.datetime:
    """The report's date at midnight UTC (never the clock); UNDATED when empty or unparsable."""
    try:
        return dt.datetime.fromisoformat(date[:10]).replace(tzinfo=dt.UTC)
    except ValueError:
        return UNDATED


def check_pdf_export() -> None:
    """WeasyPrint (and its Pango) loads and every font file the report binds is there."""
    _weasyprint()
    missing = [name for *_, name in FACES if not (font_dir() / name).is_file()]
    if missing:
        raise RenderError(
            f"font files {', '.join(missing)} are missing from {font_dir()}: reinstall matplotlib"
        )


_epoch_lock = threading.Lock()


@contextlib.contextmanager
def _source_date_epoch(when: dt.datetime) -> Iterator[None]:
    """SOURCE_DATE_EPOCH = the report's date while the PDF is written, then as it was.

    fontTools stamps subset fonts with the clock unless it is set (it is used only where
    HarfBuzz's subsetter is missing). Scoped, so a second build in the same process, with
    another date, never sees this one's.
    """
    with _epoch_lock:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = before or str(int(when.timestamp()))
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)


def _quiet_weasyprint() -> None:
    """WeasyPrint logs each CSS it does not support; a report needs none of that on screen."""
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def write_pdf(
    html: str,
    base_dir: Path,
    out: Path,
    *,
    title: str,
    author: str,
    date: str,
    lang: str = "sv",
    attachments: dict[str, str | bytes] | None = None,
) -> Path:
    """Render `html` (relative URLs from `base_dir`) to the PDF `out`, byte-identical per input."""
    when = report_datetime(date)
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    base_dir = Path(base_dir).resolve()
    fonts = font_dir()
    fetcher = restricted_fetcher(weasyprint, [base_dir, fonts])
    font_config = FontConfiguration()
    css = weasyprint.CSS(string=font_css(fonts), font_config=font_config, url_fetcher=fetcher)
    files = [
        weasyprint.Attachment(
            string=data.decode("utf-8") if isinstance(data, bytes) else data,
            name=name,
            description=name,
            created=when,
            modified=when,
            url_fetcher=fetcher,
        )
        for name, data in (attachments or {}).items()
    ]
    _quiet_weasyprint()
    try:
        doc = weasyprint.HTML(
            string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=[css], font_config=font_config)
        doc.metadata.title = title
        doc.metadata.authors = [author]
        doc.metadata.lang = lang
        if when != UNDATED:
            doc.metadata.created = doc.metadata.modified = when.strftime("%Y-%m-%d")
        with _source_date_epoch(when):
            data = doc.write_pdf(attachments=files)
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one line
        raise RenderError(f"PDF export failed ({exc.__class__.__name__}: {exc})") from None
    write_atomic(out, data)
    return out
