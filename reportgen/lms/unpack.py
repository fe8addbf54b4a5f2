"""An LMS download unpacked safely: the ZIP is untrusted (anyone may hand one to the teacher).

Only regular files are written, each inside the given folder, each at most MAX_ENTRY_BYTES,
together at most MAX_TOTAL_BYTES, never more than MAX_ENTRIES, never compressed more than
MAX_RATIO times (a bomb). An entry that breaks a rule is refused (one line, the rest is
unpacked); a ZIP that cannot be read safely at all is refused whole (InputError).
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError

MAX_ENTRIES = 5000  # a class of 500 handing in 10 files each
MAX_ENTRY_BYTES = 100 * 1024 * 1024  # one file; a report PDF is 0.2-0.5 MB
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # everything unpacked
MAX_RATIO = 100  # uncompressed / compressed size of an entry past RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
ARCHIVES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst")
_CHUNK = 1024 * 1024


@dataclass
class Unpacked:
    """The files written (the names inside the download, `/`-separated) and the entries
    refused: (the name as shown, why)."""

    names: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _name(info: zipfile.ZipInfo) -> str:
    """The entry's name as UTF-8 (a ZIP without the UTF-8 flag stores bytes read as CP437)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            "its name is not valid UTF-8: zip the files again with UTF-8 names"
        ) from None


def _problem(info: zipfile.ZipInfo, name: str, seen: set[str]) -> str | None:
    """Why the entry may not be unpacked, or None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or path.is_absolute():
        return "an absolute path: an entry must stay inside the download"
    if ".." in path.parts:
        return "a path with '..': an entry must stay inside the download"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link: only files are read"
    if any(ord(c) < 32 for c in name):
        return "a name with control characters"
    if name.casefold() in seen:
        return "a second entry of the same name"
    if name.lower().endswith(ARCHIVES):
        return "an archive inside the archive: hand in its files, not another archive"
    if info.file_size > MAX_ENTRY_BYTES:
        return f"{info.file_size} bytes, more than the limit of {MAX_ENTRY_BYTES}"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
        return f"compressed {ratio:.0f} times, more than {MAX_RATIO} (a ZIP bomb?)"
    return None


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"{path.name} is not a readable ZIP ({exc}): download it again") from None
    except UnicodeDecodeError:
        raise InputError(
            f"{path.name} has entry names that are not valid UTF-8: zip it again with UTF-8 names"
        ) from None


def unpack(path: Path, into: Path) -> Unpacked:
    """Unpack the download `path` into the (empty) folder `into`; see the module's rules."""
    out = Unpacked()
    with _open(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(
                f"{path.name} has {len(infos)} entries, more than the limit of {MAX_ENTRIES}: "
                "download the submissions in parts"
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL_BYTES:
            raise InputError(
                f"{path.name} unpacks to {declared} bytes, more than the limit of "
                f"{MAX_TOTAL_BYTES}: download the submissions in parts"
            )
        seen: set[str] = set()
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            try:
                name = _name(info)
            except ValueError as exc:
                shown = info.filename.encode("cp437").decode("utf-8", "replace")
                out.refused.append((shown, str(exc)))
                continue
            problem = _problem(info, name, seen)
            seen.add(name.casefold())
            if problem:
                out.refused.append((name, problem))
                continue
            try:
                total += _copy(archive, info, into / name, MAX_TOTAL_BYTES - total)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                out.refused.append((name, f"cannot be unpacked ({exc})"))
                continue
            out.names.append(name)
    return out


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, room: int) -> int:
    """The entry's bytes into `target` (a new regular file), at most its declared size and
    `room`; the bytes written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o600)
    written = 0
    try:
        with os.fdopen(fd, "wb") as fh, archive.open(info) as src:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > min(info.file_size, MAX_ENTRY_BYTES, room):
                    raise ValueError("more bytes than it declares, or past the size limit")
                fh.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return written
