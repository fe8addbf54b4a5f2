"""What the preview watches, as a function of the loaded config, and how it sees a save.

A poll of each file's status every POLL_SECONDS: a dozen stat calls a tenth of a second cost
nothing, need no package and see every way an editor saves (in place, or a new file renamed
over the old one, on any file system). A change is taken once the files have stayed the same
for SETTLE_SECONDS (an editor that writes in two steps is rendered once, complete).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ..config import Config
from ..results import RESULTS_FILE

POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.05

Stamp = tuple[int, int, int] | None  # (mtime in ns, size, inode); None: no such file


def template_files(folder: str) -> list[Path]:
    """Every file of report.templates_dir (a new one counts as a change), or none."""
    root = Path(folder) if folder else None
    if root is None or not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def watched_files(config_file: Path, cfg: Config | None, run_dir: Path) -> list[Path]:
    """The files whose save changes the page: the config file, the run's results.json (a build
    in another terminal), and what the config names: report.self_evaluation, each own
    section's file ([report.sections]) and every file of report.templates_dir. With no valid
    config (`cfg` None), the config file and the run.

    A function of the loaded config alone, asked again at every poll: a file the config starts
    to name is watched from the next poll on, a new file in the templates folder is a change."""
    files = [config_file, run_dir / RESULTS_FILE]
    if cfg is None:
        return files
    if cfg.report.self_evaluation:
        files.append(Path(cfg.report.self_evaluation))
    files += [Path(own) for own in cfg.report.sections.values()]  # [report.sections]
    files += template_files(cfg.report.templates_dir)
    return files


def stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def stamps(paths: Iterable[Path]) -> dict[Path, Stamp]:
    return {p: stamp(p) for p in paths}


def changed(before: dict[Path, Stamp], after: dict[Path, Stamp]) -> list[Path]:
    """The files saved, made or removed between two polls."""
    return [p for p in sorted({*before, *after}) if before.get(p) != after.get(p)]


class Watcher:
    """Waits for a save among `files()` (asked again at every poll: the set follows the config)."""

    def __init__(self, files: Callable[[], list[Path]], poll: float = POLL_SECONDS) -> None:
        self.files = files
        self.poll = poll
        self.seen = stamps(files())

    def wait(self, stop: threading.Event) -> list[Path]:
        """The files changed since the last call, once they have settled; [] when `stop` is set."""
        while not stop.wait(self.poll):
            now = stamps(self.files())
            if now == self.seen:
                continue
            while not stop.wait(SETTLE_SECONDS):  # until a poll finds them unchanged
                later = stamps(self.files())
                if later == now:
                    break
                now = later
            saved = changed(self.seen, now)
            self.seen = now
            return saved
        return []
