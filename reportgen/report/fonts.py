"""The report's fonts: the DejaVu files matplotlib ships, under family names of their own.

A family called "DejaVu Serif" loses to the system's DejaVu when fontconfig has both (Debian's
2.37 against matplotlib's 2.35), and glyph ids change with it. Registered as "reportgen Serif",
"reportgen Sans" and "reportgen Mono", the bundled files are the only candidates whatever the
machine offers. A character that none of them has would fall back to a system font, so it is a
build error instead (`uncovered`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import unicodedata
from pathlib import Path

SERIF, SANS, MONO = "reportgen Serif", "reportgen Sans", "reportgen Mono"
# (family, weight, style, file) of the faces the report uses.
FACES = [
    (SERIF, "normal", "normal", "DejaVuSerif.ttf"),
    (SERIF, "bold", "normal", "DejaVuSerif-Bold.ttf"),
    (SERIF, "normal", "italic", "DejaVuSerif-Italic.ttf"),
    (SERIF, "bold", "italic", "DejaVuSerif-BoldItalic.ttf"),
    (SANS, "normal", "normal", "DejaVuSans.ttf"),
    (SANS, "bold", "normal", "DejaVuSans-Bold.ttf"),
    (SANS, "normal", "italic", "DejaVuSans-Oblique.ttf"),
    (SANS, "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
    (MONO, "normal", "normal", "DejaVuSansMono.ttf"),
    (MONO, "bold", "normal", "DejaVuSansMono-Bold.ttf"),
]
# Characters that lay out without a glyph: line breaks, soft hyphens, joiners.
INVISIBLE = {"\n", "\r", "\t", "\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff"}


@functools.cache
def font_dir() -> Path:
    """matplotlib's bundled TTF folder: the same DejaVu files wherever matplotlib is.

    Found without importing matplotlib (0.2 s a render does not need): its mpl-data folder
    sits in the package, where matplotlib.get_data_path() looks too."""
    spec = importlib.util.find_spec("matplotlib")
    roots = (spec.submodule_search_locations or []) if spec else []
    for root in roots:
        folder = Path(root) / "mpl-data" / "fonts" / "ttf"
        if folder.is_dir():
            return folder
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_files() -> list[Path]:
    """Every font file the report binds, in FACES order."""
    return [font_dir() / name for *_, name in FACES]


def font_css() -> str:
    """@font-face rules binding the report's own family names to the bundled files."""
    folder = font_dir()
    rules = [
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{(folder / name).as_uri()}"); }}'
        for family, weight, style, name in FACES
    ]
    return "\n".join(rules)


@functools.cache
def _digest(path: Path, size: int, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def font_records() -> list[dict[str, str]]:
    """Each bundled font file's name and SHA-256 (what the PDF's glyphs come from)."""
    out = []
    for path in font_files():
        stat = path.stat()
        out.append({"name": path.name, "sha256": _digest(path, stat.st_size, stat.st_mtime)})
    return out


@functools.cache
def _coverage(paths: tuple[Path, ...]) -> frozenset[int]:
    """The code points the font files cover, read once per font set (kept in the cache folder:
    reading ten cmaps with fontTools takes a quarter of a second)."""
    import json

    from ..files import default_cache_dir, write_atomic

    key = hashlib.sha256(json.dumps(font_records()).encode()).hexdigest()[:16]
    stored = default_cache_dir() / "fonts" / f"coverage-{key}.json"
    try:
        return frozenset(json.loads(stored.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in paths:
        covered |= set(TTFont(path, lazy=True).getBestCmap())
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(stored, json.dumps(sorted(covered)))
    except OSError:
        pass  # a cache that cannot be written only costs the quarter second again
    return frozenset(covered)


def uncovered(text: str) -> list[str]:
    """The characters of `text` that none of the bundled faces can draw, in order of first use."""
    covered = _coverage(tuple(font_files()))
    missing: dict[str, None] = {}
    for char in text:
        if char not in INVISIBLE and ord(char) not in covered:
            missing.setdefault(char, None)
    return list(missing)


def describe(char: str) -> str:
    """'U+2011 NON-BREAKING HYPHEN'."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
