"""What this machine rendered before: a report's inputs -> the SHA-256 of the PDF made of them.

verify regenerates each submission's report to compare it byte for byte, and a class checked
again (after a resubmission, a corrected course config) asks for the same renders a second
time: 85-90 % of a verify is WeasyPrint. Every render of reportgen's own templates leaves one
small entry in the cache folder: the key of everything the PDF's bytes depend on and the
SHA-256 of the PDF. When a submission's SHA-256 is the one recorded for its inputs, verify has
its answer without rendering; anything else (no entry, another digest, --no-cache) renders.

The key covers the HTML, the figures it shows (every file of the folder's figures/), the
attachments, the document's metadata and PDF variant, the font CSS, reportgen's code, WeasyPrint,
pydyf, Pango, HarfBuzz and the font files. A report that links a relative address (the PDF
would carry the folder's path) or shows a picture other than figures/ is not recorded; custom
templates are never recorded (their caller does not ask). Entries are read like outside input:
a damaged one is no entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..errors import ReportgenError
from ..files import default_cache_dir, read_bounded, write_atomic
from .fonts import font_css

FOLDER = "renders"
ENTRY_BYTES = 4096
_ADDRESS = re.compile(r"""\b(src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_FIGURE = re.compile(r"^figures/[A-Za-z0-9_.-]+$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def folder_independent(html: str) -> bool:
    """Whether the PDF of `html` cannot depend on the folder it is rendered in: every address
    is a fragment (#...), absolute (a scheme or /path, never fetched for a link) or, for a
    picture, a file of figures/ (whose bytes are in the key)."""
    for attribute, address in _ADDRESS.findall(html):
        address = address.strip()
        if address.startswith("#") or (attribute.lower() == "href" and address.startswith("/")):
            continue
        if attribute.lower() == "href" and _SCHEME.match(address):
            continue
        if attribute.lower() == "src" and (
            _FIGURE.match(address) or address.lower().startswith("data:")
        ):
            continue
        return False
    return True


def render_key(html: str, folder: Path, options: dict[str, Any]) -> str | None:
    """The key of a render of `html` in `folder` with write_pdf's `options` (title, author,
    date, lang, variant, attachments); None when the PDF could depend on more than that."""
    from ..bundle.manifest import code_digest
    from .pdf import render_environment

    if not folder_independent(html):
        return None
    figures = Path(folder) / "figures"
    shown = sorted(p for p in figures.iterdir() if p.is_file()) if figures.is_dir() else []
    material = {
        "html": _sha256(html),
        "figures": {p.name: _sha256(p.read_bytes()) for p in shown},
        "options": {
            key: ({n: _sha256(t) for n, t in value.items()} if key == "attachments" else value)
            for key, value in sorted(options.items())
        },
        "font_css": _sha256(font_css()),
        "environment": render_environment(),
        "code": code_digest(),
    }
    return _sha256(json.dumps(material, sort_keys=True, ensure_ascii=True))


def _entry_path(key: str) -> Path:
    return default_cache_dir() / FOLDER / key[:2] / f"{key}.json"


def recall(key: str | None) -> str | None:
    """The SHA-256 of the PDF this machine made of the inputs `key` names, or None."""
    if key is None:
        return None
    try:
        entry = json.loads(read_bounded(_entry_path(key), ENTRY_BYTES))
        if entry.get("key") == key and _HEX64.match(entry.get("pdf_sha256", "")):
            return entry["pdf_sha256"]
    except (OSError, ValueError, TypeError, AttributeError, ReportgenError):
        pass  # absent, unreadable or damaged: no entry (the caller renders)
    return None


def remember(key: str | None, pdf: bytes) -> None:
    """Record that the inputs `key` names rendered to `pdf`; a cache folder that cannot be
    written is skipped (the next verify renders)."""
    if key is None:
        return
    entry = {"key": key, "pdf_sha256": _sha256(pdf), "pdf_bytes": len(pdf)}
    path = _entry_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry))
    except OSError:
        pass


def clear_renders() -> int:
    """Forget every recorded render; return how many."""
    count = 0
    for path in (default_cache_dir() / FOLDER).glob("*/*.json"):
        path.unlink(missing_ok=True)
        count += 1
    return count
