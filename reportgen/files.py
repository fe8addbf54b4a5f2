"""Files on disk: atomic writes, output folders published whole, and reads bounded by a size
limit (inputs may be hostile)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

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


# ---- output folders written whole, then moved into place at once ----------------------------

STAGING_MARK = ".staging-"  # .NAME.staging-<pid>-<random>: a folder being written
IN_PLACE = ".reportgen"  # DIR/.reportgen.staging-<pid>-<random>: the same, inside DIR
OLD_MARK = ".old-"  # .NAME.old-<pid>-<random>: the previous folder, for a moment, where no swap


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 RENAME_EXCHANGE); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # glibc < 2.28, musl
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0  # EINVAL or ENOSYS where the file system or kernel lacks it


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(path: Path, mark: str) -> int | None:
    """The pid in a leftover's name (.NAME<mark><pid>-<random>), None when it has none."""
    pid = path.name.rsplit(mark, 1)[-1].split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def recover_leftovers(destination: Path) -> None:
    """What a killed run left beside `destination`: its staging folders are removed, and the
    previous folder, moved aside in a swap that did not finish, is put back."""
    prefix = f".{destination.name}"
    for mark in (OLD_MARK, STAGING_MARK):
        for path in sorted(destination.parent.glob(f"{prefix}{mark}*")):
            pid = _owner(path, mark)
            if pid is None or _alive(pid):
                continue  # another run's, still writing
            if mark == OLD_MARK and not destination.exists():
                os.replace(path, destination)
            else:
                shutil.rmtree(path, ignore_errors=True)
    for path in sorted(destination.glob(f"{IN_PLACE}{STAGING_MARK}*")):  # staged inside
        pid = _owner(path, STAGING_MARK)
        if pid is not None and not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)


def _in_place(destination: Path) -> bool:
    """Whether `destination` must stay the folder it is (staged inside it, its files moved in
    one by one): the working directory or a folder above it (a swap would leave the shell in a
    removed folder), a mount point, or one whose parent cannot be written."""
    if not destination.is_dir():
        return False
    return (
        Path.cwd().resolve().is_relative_to(destination)
        or os.path.ismount(destination)
        or not os.access(destination.parent, os.W_OK | os.X_OK)
    )


WRITTEN_LIST = ".reportgen-written"  # in a published folder: the files its run wrote


def _files_in(folder: Path) -> list[str]:
    """Every file (and symlink) under `folder`, as relative POSIX paths, sorted."""
    found = []
    for root, dirs, files in os.walk(folder):
        here = Path(root).relative_to(folder)
        for name in files + [d for d in dirs if (Path(root) / d).is_symlink()]:
            found.append(PurePosixPath(here.as_posix(), name).as_posix())
    return sorted(found)


def _written_before(folder: Path) -> set[str]:
    """The files an earlier run wrote into `folder` (its WRITTEN_LIST; none if it has none)."""
    try:
        text = read_bounded(folder / WRITTEN_LIST).decode("utf-8", "replace")
    except InputError:
        return set()
    # a list edited by hand names nothing outside the folder (its files may be removed)
    return {
        line
        for line in text.splitlines()
        if line and not PurePosixPath(line).is_absolute() and ".." not in PurePosixPath(line).parts
    }


def _carry_over(old: Path, new: Path, own: Callable[[PurePosixPath], bool]) -> None:
    """Hard-link (else copy) into `new` every file of `old` that `new` lacks and that is not
    the command's own (written by an earlier run, or `own(relative path)`): a folder's other
    files survive the swap; a stale page of a larger class does not."""
    before = _written_before(old)
    for relative in _files_in(old):
        source, target = old / relative, new / relative
        if target.exists() or target.is_symlink() or relative in before:
            continue
        if relative == WRITTEN_LIST or own(PurePosixPath(relative)):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
            continue
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def _move_in(staging: Path, destination: Path) -> None:
    """The files of `staging` renamed into `destination` one by one (each whole), then those
    an earlier run wrote there and this one did not are removed: for a folder that must stay."""
    before = _written_before(destination)
    now = _files_in(staging)
    for relative in now:
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, destination / relative)
    for relative in sorted(before - set(now)):
        stale = destination / relative
        if not stale.parent.resolve().is_relative_to(destination.resolve()):
            continue  # under a link to elsewhere: not this folder's file
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
    shutil.rmtree(staging, ignore_errors=True)


class StagedFolders:
    """Output folders written in full beside their destinations (.NAME.staging-*), then moved
    into place together by publish(): a run that fails or is interrupted before it leaves the
    previous folders as they were and no partial new ones (discard() removes the staging).

    The working directory (or a folder above it), a mount point, or a folder whose parent
    cannot be written is staged inside itself instead, and its files are renamed into place
    one by one at publish (each whole; together within milliseconds).

    The files of an existing destination that are not the command's own are kept (hard-linked
    into the new folder). Its own are those an earlier run listed in the folder's
    .reportgen-written, and those `own(relative path)` names (for folders written before that
    list): those this run did not write again (a stale page of a larger class) go with the old
    folder.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, tuple[Path, Callable[[PurePosixPath], bool]]] = {}
        self._in_place: set[Path] = set()

    def folder(self, destination: Path, own: Callable[[PurePosixPath], bool]) -> Path:
        """Where to write what goes to `destination` (a folder inside one already staged is
        written inside that one's staging)."""
        destination = Path(os.path.realpath(destination))  # a link's folder is written
        if destination.exists() and not destination.is_dir():
            raise InputError(f"{destination} is a file, not a folder: name a folder to write")
        for outer, (staging, _) in self._staged.items():
            if destination == outer or destination.is_relative_to(outer):
                inner = staging / destination.relative_to(outer)
                inner.mkdir(parents=True, exist_ok=True)
                return inner
        if any(outer.is_relative_to(destination) for outer in self._staged):
            raise ValueError(f"stage {destination} before the folders inside it")
        destination.parent.mkdir(parents=True, exist_ok=True)
        recover_leftovers(destination)
        inside = _in_place(destination)
        if inside:
            self._in_place.add(destination)
        staging = Path(
            tempfile.mkdtemp(
                dir=destination if inside else destination.parent,
                prefix=f"{IN_PLACE if inside else '.' + destination.name}"
                f"{STAGING_MARK}{os.getpid()}-",
            )
        )
        # mkdtemp's 0o700 would hide a new summary from the others who read it (TAs)
        mode = destination.stat().st_mode & 0o7777 if destination.is_dir() else 0o755
        os.chmod(staging, mode)
        self._staged[destination] = (staging, own)
        return staging

    def publish(self) -> list[Path]:
        """Move every staged folder into place (keeping the destinations' other files); return
        the destinations. Run it with interrupts deferred (runs.deferred_interrupts)."""
        for destination, (staging, own) in self._staged.items():
            write_atomic(staging / WRITTEN_LIST, "".join(f"{f}\n" for f in _files_in(staging)))
            if destination.is_dir() and destination not in self._in_place:
                _carry_over(destination, staging, own)
        published = []
        for destination, (staging, _) in list(self._staged.items()):
            if destination in self._in_place:
                _move_in(staging, destination)
            elif not destination.exists():
                os.replace(staging, destination)
            elif _exchange(staging, destination):
                shutil.rmtree(staging, ignore_errors=True)  # now the previous folder
            else:
                aside = destination.parent / (
                    f".{destination.name}{OLD_MARK}{os.getpid()}-{os.urandom(4).hex()}"
                )
                os.replace(destination, aside)
                os.replace(staging, destination)
                shutil.rmtree(aside, ignore_errors=True)
            del self._staged[destination]
            published.append(destination)
        return published

    def discard(self) -> None:
        """Remove what was staged and not published: the destinations stay as they were."""
        for staging, _ in self._staged.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._staged.clear()

    def __enter__(self) -> StagedFolders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
