"""Files on disk: atomic writes, and reads bounded by a size limit (inputs may be hostile)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError

# The largest results.json, run.json, cache entry or PDF attachment reportgen reads. A full-MNIST
# results.json is about 0.3 MB; anything near this limit was not written by reportgen.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# The largest report PDF reportgen opens (a report is 0.2-0.5 MB).
MAX_PDF_BYTES = 50 * 1024 * 1024


def default_cache_dir() -> Path:
    """REPORTGEN_CACHE_DIR, else $XDG_CACHE_HOME/reportgen, else ~/.cache/reportgen."""
    if os.environ.get("REPORTGEN_CACHE_DIR"):
        return Path(os.environ["REPORTGEN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "reportgen"


def write_temp(path: Path, data: bytes | str) -> Path:
    """Write `data` to a synced temporary file next to `path` (.NAME.*.tmp); return its path."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write under a temporary name in the same folder, then rename: never a half-written file."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def size_limit_text(limit: int) -> str:
    """'20 MB' for a limit in bytes."""
    return f"{limit / 1024 / 1024:.0f} MB"


def read_bounded(path: Path, limit: int = MAX_DOCUMENT_BYTES, hint: str = "") -> bytes:
    """The bytes of `path`, refused (one line, InputError) when larger than `limit`.

    Never reads more than limit + 1 bytes, so a huge or endless file (a FIFO, /dev/zero) costs
    nothing. `hint` says what to give instead when the file cannot be read.
    """
    path = Path(path)
    fix = f": {hint}" if hint else ""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{path} not found{fix}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file{fix}") from None
    except OSError as exc:
        raise InputError(f"cannot read {path} ({exc.strerror or exc}){fix}") from None
    if len(data) > limit:
        raise InputError(
            f"{path} is larger than {size_limit_text(limit)}, the limit for such a file: "
            "it was not written by reportgen"
        )
    return data
