"""HTML -> PDF with WeasyPrint: bundled fonts only, no network, no clock, attachments."""

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

from ..config import PDF_VARIANTS
from ..errors import RenderError
from ..files import write_atomic
from .fonts import describe, font_css, font_dir, font_files, font_records, uncovered

PANGO_HINT = (
    "WeasyPrint cannot load Pango ({exc}): install it with "
    "`sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`"
)


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


PANGO_NAMES = ("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll", "pango-1.0")
HARFBUZZ_NAMES = ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll", "harfbuzz")
SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
    "harfbuzz-subset",
)


def _library(names: tuple[str, ...]) -> Any:
    """The first of these C libraries that loads (WeasyPrint loads the same names), or None."""
    import ctypes

    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _version_string(names: tuple[str, ...], function: str) -> str:
    import ctypes

    library = _library(names)
    if library is None or not hasattr(library, function):
        return "not found"
    call = getattr(library, function)
    call.restype = ctypes.c_char_p
    return call().decode()


def render_environment() -> dict[str, Any]:
    """What the PDF's bytes depend on besides reportgen: WeasyPrint, pydyf, the Pango and
    HarfBuzz libraries WeasyPrint loads, whether HarfBuzz subsets fonts (else fontTools does,
    with other bytes), each font file, and every package of the render stack (name -> version).
    Read without importing WeasyPrint (a second)."""
    from importlib.metadata import version

    from ..environments.stack import installed_stack

    return {
        "weasyprint": version("weasyprint"),
        "pydyf": version("pydyf"),
        "pango": _version_string(PANGO_NAMES, "pango_version_string"),
        "harfbuzz": _version_string(HARFBUZZ_NAMES, "hb_version_string"),
        "harfbuzz_subset": _library(SUBSET_NAMES) is not None,
        "fonts": font_records(),
        "stack": installed_stack(),
    }


def check_fonts(html: str) -> None:
    """Every character the report shows is in a bundled face: none falls back to a system font."""
    import html as htmllib
    import re

    text = htmllib.unescape(re.sub(r"<[^>]*>", " ", html))
    missing = uncovered(text)
    if missing:
        names = ", ".join(describe(c) for c in missing[:3])
        raise RenderError(
            f"the report shows {names}, which none of the bundled fonts (DejaVu) can draw: "
            "remove or replace it (in the config, the self-evaluation or a template)"
        )


def check_pdf_export() -> None:
    """WeasyPrint (and its Pango) loads and every font file the report binds is there."""
    _weasyprint()
    missing = [path.name for path in font_files() if not path.is_file()]
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


# The PDF standards a report can follow (config.PDF_VARIANTS): WeasyPrint's variant of each,
# the same name. PDF/A-3b is tagged too, and its XMP says PDF/UA-1 as well: an archival copy
# stays accessible.
VARIANTS = {variant: variant for variant in PDF_VARIANTS}
XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def _extra_xmp(lang: str, variant: str) -> list[bytes]:
    """XMP WeasyPrint does not write itself: dc:language, and PDF/UA-1's id on PDF/A."""
    from xml.sax.saxutils import escape

    rdf, dc, ua = XMP_NS["rdf"], XMP_NS["dc"], XMP_NS["pdfuaid"]
    parts = [
        f'<rdf:RDF xmlns:rdf="{rdf}"><rdf:Description rdf:about="" xmlns:dc="{dc}">'
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description></rdf:RDF>"
    ]
    if variant != "pdf/ua-1":
        parts.append(
            f'<rdf:RDF xmlns:rdf="{rdf}"><rdf:Description rdf:about="" '
            f'xmlns:pdfuaid="{ua}" pdfuaid:part="1"/></rdf:RDF>'
        )
    return [p.encode() for p in parts]


def _relationship(name: str) -> str:
    """How an attachment relates to the report (PDF/A-3's AFRelationship)."""
    return "Source" if name.startswith("templates/") else "Data"


def write_pdf(
    html: str,
    base_dir: Path,
    out: Path,
    *,
    title: str,
    author: str,
    date: str,
    lang: str = "sv",
    variant: str = "pdf/ua-1",
    attachments: dict[str, str] | None = None,
) -> Path:
    """Render `html` (relative URLs from `base_dir`) to the PDF `out`: tagged, as `variant`
    (pdf/ua-1 or pdf/a-3b), byte-identical for the same input."""
    from .tagging import finish

    when = report_datetime(date)
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    check_fonts(html)
    base_dir = Path(base_dir).resolve()
    fetcher = restricted_fetcher(weasyprint, [base_dir, font_dir()])
    font_config = FontConfiguration()
    css = weasyprint.CSS(string=font_css(), font_config=font_config, url_fetcher=fetcher)
    files = [
        weasyprint.Attachment(
            string=data,
            name=name,
            description=name,
            created=when,
            modified=when,
            url_fetcher=fetcher,
            relationship=_relationship(name),
        )
        for name, data in (attachments or {}).items()
    ]
    options = {"pdf_variant": VARIANTS[variant], "pdf_tags": True}
    _quiet_weasyprint()
    try:
        doc = weasyprint.HTML(
            string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=[css], font_config=font_config, **options)
        doc.metadata.title = title
        doc.metadata.authors = [author]
        doc.metadata.lang = lang
        doc.metadata.xmp_metadata = _extra_xmp(lang, variant)
        if when != UNDATED:
            doc.metadata.created = doc.metadata.modified = when.strftime("%Y-%m-%d")
        with _source_date_epoch(when):
            data = doc.write_pdf(attachments=files, finisher=finish, **options)
    except Exception as exc:  # WeasyPrint raises many kinds; the user needs one line
        raise RenderError(f"PDF export failed ({exc.__class__.__name__}: {exc})") from None
    write_atomic(out, data)
    return out
