"""reportgen's own exceptions: each carries one line naming the problem and the fix."""


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
