"""Where the shipped files are: a leaf module, imported by every layer that needs a path."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The shipped templates: inside the installed package (a wheel), or the source checkout's
    top-level templates/ folder, which the wheel maps into the package."""
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


TEMPLATES_DIR = templates_dir()
LOCALE_DIR = PACKAGE_DIR / "locale"


def code_files(package: Path = PACKAGE_DIR) -> list[tuple[str, Path]]:
    """What reportgen's behaviour is made of, as (name, path) in a fixed order: every module and
    language catalog of the package and every shipped template. The code digest of a report's
    manifest and the render key of a build both hash exactly these; the benchmarks and tests
    live outside the package and are not part of it."""
    files = [(p.relative_to(package).as_posix(), p) for p in sorted(package.rglob("*.py"))]
    files += [(p.relative_to(package).as_posix(), p) for p in sorted(package.rglob("*.po"))]
    templates = TEMPLATES_DIR
    if templates.is_relative_to(package):  # a wheel: already listed above only if *.py/*.po
        files = [(n, p) for n, p in files if not p.is_relative_to(templates)]
    files += [
        ("templates/" + p.relative_to(templates).as_posix(), p)
        for p in sorted(templates.rglob("*"))
        if p.is_file()
    ]
    return files


def hash_files(h, files: list[tuple[str, Path]]) -> None:
    """Feed each file's name and bytes into the hash `h`."""
    for name, path in files:
        h.update(name.encode() + b"\0" + path.read_bytes())


@functools.cache
def code_digest() -> str:
    """SHA-256 over reportgen's modules, catalogs and shipped templates: two installs of one version
    with different code (a development checkout) tell themselves apart.

    Read once per process: the code a process runs is what it imported, and a file edited
    while it runs (a checkout being worked on during a long verify) must not make the manifest
    of one regenerated report disagree with the environment check made just before it."""
    h = hashlib.sha256()
    hash_files(h, code_files())
    return h.hexdigest()
