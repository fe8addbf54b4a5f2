"""The command line: the top parser, --debug and --version, dispatch to a command (see
commands/), and the one place where what went wrong becomes one line and an exit code."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
import threading

from . import __version__
from .commands import COMMANDS
from .commands.app import run as app
from .commands.build import run as build
from .commands.cache import run as cache
from .commands.compare import run as compare
from .commands.diff import run as diff
from .commands.init import run as init
from .commands.preview import run as preview
from .commands.render import run as render
from .commands.schema import run as schema
from .commands.verify import run as verify
from .errors import ReportgenError, one_line

DESCRIPTION = """\
reportgen runs a machine-learning study of MNIST (four regression models against two
classifiers) and writes it up as a Swedish course report: report.pdf and report.html, every
number computed in the run. Start with `reportgen init`, edit report.toml, then
`reportgen build`."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reportgen",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="`reportgen COMMAND --help` shows a command's options and an example.",
    )
    p.add_argument("--version", action="version", version=f"reportgen {__version__}")
    p.add_argument("--debug", action="store_true", help="show a traceback instead of one line")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.add_arguments(
            sub.add_parser(
                name,
                help=command.HELP,
                description=command.HELP[:1].upper() + command.HELP[1:] + ".",
                epilog=command.EXAMPLE,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )
    return p


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM (and Ctrl-C) unwind like Ctrl-C. An MLP fit that swallows it is re-raised in
    analysis.warning_log.WarningLog, so the build stops and the half-trained fit is never cached."""
    raise KeyboardInterrupt  # staging removed, outputs untouched


def _forget_unhandled_interrupt() -> None:
    """Clear CPython's record of a KeyboardInterrupt that left code run by eval() of a string.

    cssselect2 compiles each CSS selector with eval() while the PDF renders. An interrupt raised
    in there is recorded as unhandled even though main() handles it, and `python -m reportgen`
    would then end by SIGINT instead of exiting 130. Every exec() of a string resets the record.
    """
    exec("pass")


def _interrupted(exc: KeyboardInterrupt, cache_on: bool) -> str:
    """What an interrupted command says: what was under way and what was completed."""
    done = getattr(exc, "completed", [])
    stage = getattr(exc, "stage", "")
    if stage == "published":
        return "reportgen: interrupted just after the new report was published (it is complete)"
    message = f"reportgen: interrupted{f' while {stage}' if stage else ''}, previous report kept"
    if done:
        kept = "cached" if cache_on else "not cached (--no-cache)"
        message += f"; completed ({kept}): {', '.join(done)}"
    elif stage == "fitting":
        message += "; no model was completed"
    return message


def _os_error(exc: OSError) -> str:
    """A failed write or read as one line: what, where, and what to do."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free space on that disk or choose another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "fix its permissions or choose another --out"
    else:
        fix = "check the path, free space or fix permissions"
    return f"reportgen: error: {exc.strerror or exc}{where}: {fix}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `reportgen` command; returns the exit code."""
    args = _parser().parse_args(argv)
    # pypdf logs what it mends in a damaged PDF; the verdict already says what matters
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    # each command's run(args), looked up as main() runs (a test may put its own in place)
    commands = {
        "init": init,
        "build": build,
        "render": render,
        "preview": preview,
        "diff": diff,
        "compare": compare,
        "verify": verify,
        "schema": schema,
        "app": app,
        "cache": cache,
    }
    held = (signal.SIGINT, signal.SIGTERM)
    # signal handlers can only be set in the main thread; elsewhere (an app, a worker) the
    # caller's own handling stays
    main_thread = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, _interrupt) for s in held} if main_thread else {}
    try:
        return commands[args.command](args)
    except ReportgenError as exc:
        if args.debug:
            raise
        print(f"reportgen: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        _forget_unhandled_interrupt()
        message = _interrupted(exc, not getattr(args, "no_cache", False))
        print(f"\n{message}", file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, permissions: one line, not a traceback
        if args.debug:
            raise
        print(one_line(_os_error(exc)), file=sys.stderr)
        return 2
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def run() -> None:
    """The `reportgen` command: main(), then exit with its code.

    An interrupted search leaves joblib's worker threads finishing their candidate in native code
    (they cannot be stopped). Ending the interpreter under them can abort the process in a C++
    destructor ("terminate called without an active exception", exit -6 instead of 130), so an
    interrupted command with threads still running ends at once, its output flushed.
    """
    code = main()
    if code == 130 and threading.active_count() > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
