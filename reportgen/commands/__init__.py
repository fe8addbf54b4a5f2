"""A module per command: its help, its example, its arguments and `run(args) -> int`.

cli.py builds the parser from COMMANDS (in the order `reportgen --help` lists them) and turns
what goes wrong into one line and an exit code; a command parses, calls the library, prints.
Heavy imports happen inside `run`, so `reportgen --help` and `render` stay light.
"""

from __future__ import annotations

from . import app, build, cache, compare, diff, init, preview, render, schema, verify

COMMANDS = {
    module.__name__.rsplit(".", 1)[1]: module
    for module in (init, build, render, preview, diff, compare, verify, schema, app, cache)
}
