"""reportgen's own exceptions, each carrying one line naming the problem and the fix; and how a
command ends: a problem as one line, the exit code of what it found."""

from __future__ import annotations

from collections.abc import Collection

from .untrusted import clean_line


class ReportgenError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits 2."""


class ConfigError(ReportgenError):
    """The config file or flags are invalid; the message lists every problem."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        if len(self.problems) == 1:
            text = f"invalid config: {self.problems[0]}"
        else:
            text = f"invalid config ({len(self.problems)} problems): " + "; ".join(self.problems)
        super().__init__(text)


class InputError(ReportgenError):
    """A document reportgen was given (results.json, run.json, a report PDF, an attachment, a
    cache entry) is unreadable, too large, or breaks the schema. Such documents may come from
    outside (a student's submission), so this is an expected outcome, never a traceback."""


class DataError(ReportgenError):
    """A data source is missing, unreadable or malformed."""


class RenderError(ReportgenError):
    """A template or the PDF export failed."""


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during a build; knows which models were completed (and cached).

    `stage` says what was under way: "fitting", "rendering", ... or "published" when the
    signal came while the new report was being published (it was, completely).
    """

    def __init__(self, completed: list[str], stage: str = "fitting"):
        self.completed = list(completed)
        self.stage = stage
        super().__init__(", ".join(completed))


def one_line(problem: object) -> str:
    """A problem as one line: its lines joined, each run of white space one space, control
    characters and the like replaced (untrusted.clean_line). An exception that is not
    reportgen's own (a worker lost, say) also names its kind."""
    # a message may quote a submission (a file name, a page's text): cleaned for the terminal
    text = " ".join(clean_line(str(problem)).split())
    if isinstance(problem, BaseException) and not isinstance(problem, ReportgenError):
        return f"{type(problem).__name__}: {text}"
    return text


def exit_code(findings: list[set[str]], fail_on: Collection[str]) -> int:
    """How a command that checks things (diff, verify) ends, from what it found per item checked:
    2 when there were items and every one was an "error", 1 when any item shows a finding named
    in `fail_on` ("any": anything but a clean pass), else 0. An error that stops a command exits
    2 and Ctrl-C 130 (cli.main)."""
    if findings and all("error" in found for found in findings):
        return 2
    wanted = set(fail_on)
    return 1 if any(found & wanted for found in findings) else 0
