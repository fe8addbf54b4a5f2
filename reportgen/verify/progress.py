"""verify's progress on the console: submissions done, the verdicts so far, an ETA (rich)."""

from __future__ import annotations

import sys
from typing import Any

from ..untrusted import clean_line


class ClassProgress:
    """A rich progress bar on stderr when it is a terminal; a line per submission otherwise."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.counts: dict[str, int] = {}
        self.bar = None
        self.task = None
        self.names: dict[str, str] = {}  # a path on disk -> its name as shown (a download's)

    def start(self, total: int, groups: int) -> None:
        self._say(f"{total} submission(s), {groups} distinct configuration(s) to rebuild")
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("verify"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.description}"), TimeRemainingColumn(),
                console=Console(file=self.stream), transient=True,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("", total=total)

    def built(self, n: int) -> None:
        if self.bar is None:
            self._say(f"  rebuilt configuration {n}")

    def done(self, entry: dict[str, Any]) -> None:
        verdict = entry["verdict"]
        self.counts[verdict] = self.counts.get(verdict, 0) + 1
        text = ", ".join(f"{n} {v}" for v, n in sorted(self.counts.items()))
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=text)
        else:
            name = clean_line(self.names.get(entry["path"], entry["path"]))  # a download's name
            self._say(f"  {verdict:<17} {name}")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()

    def _say(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
