"""A student's own sections: which of the report's sections a Markdown file may fill, where its
text goes, and the live values it may name (`{{ mlp.tuned.test.accuracy }}`).

A section's text is the student's, read as untrusted: Markdown without raw HTML, at most
MAX_SECTION_BYTES, and in it nothing but prose and live values. A live value is a name between
`{{` and `}}` from VOCABULARY (every model, phase, split and metric; the best models' names; a
classifier's confusion matrix cell by cell; the data's sizes), evaluated in Jinja2's sandbox over
a plain dict of the run's numbers, each written as the report writes it (numbers.py). Nothing
else stands between the braces: no filter, call, operator or statement. An unknown name is one
line with the file, line and column and the nearest known name, found from the config alone,
before any fitting (config.load_config).

The vocabulary is known without a run: every model of the registry is in every report.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .metrics import ACCURACY, RMSE, ROUNDED_ACCURACY
from .models import CLASSIFICATION, MODELS

# The report's sections a student may write, and what the text does with the shipped one:
# "replaces" it under the section's heading, or "follows" it (the results' tables and figures
# stay: verify reads them). fraga1-9 are the theory answers (the question stays, the answer is
# the student's).
PLACES: dict[str, str] = {
    "inledning": "replaces",
    "teori": "replaces",
    "metod": "replaces",
    "resultat": "follows",
    "slutsats": "replaces",
    **{f"fraga{n}": "replaces" for n in range(1, 10)},
}
SECTION_KEYS = tuple(PLACES)
SUFFIXES = (".md", ".markdown")
MAX_SECTION_BYTES = 256 * 1024  # a section's file; a report's whole results.json is bounded too
MAX_LIVE_VALUES = 1000  # in one section

PHASES = ("default", "tuned")
SPLITS = ("validation", "test")
FAMILY_METRICS = {"regression": (RMSE, ROUNDED_ACCURACY), CLASSIFICATION: (ACCURACY,)}
BEST = {"best_regressor": "regression", "best_classifier": CLASSIFICATION}
N_DIGITS = 10

# what a live value is: how numbers.py writes it
METRIC, NAME, COUNT, MATRIX = "metric", "name", "count", "matrix"

OPEN, CLOSE = "{{", "}}"
LIVE = re.compile(r"\{\{(.*?)\}\}", re.S)


def _vocabulary() -> dict[str, str]:
    """Every name a section may give -> its kind (a metric's kind is the metric)."""
    out: dict[str, str] = {}
    for key, spec in MODELS.items():
        out[f"{key}.name"] = NAME
        for phase in PHASES:
            for split in SPLITS:
                for metric in FAMILY_METRICS[spec.family]:
                    out[f"{key}.{phase}.{split}.{metric}"] = metric
    for best, family in BEST.items():
        out[f"{best}.name"] = NAME
        for phase in PHASES:
            for split in SPLITS:
                for metric in FAMILY_METRICS[family]:
                    out[f"{best}.{phase}.{split}.{metric}"] = metric
    for key, spec in MODELS.items():
        if spec.family == CLASSIFICATION:
            for phase in PHASES:
                out[f"confusion.{key}.{phase}"] = MATRIX
    out["data.n_samples"] = COUNT
    for part in ("train", "validation", "test"):
        out[f"data.split.{part}"] = COUNT
    return out


VOCABULARY = _vocabulary()


def shown_name(path: str) -> str:
    """A vocabulary name as a student writes it: a matrix with its cell."""
    return path + "[i][j]" if VOCABULARY.get(path) == MATRIX else path


@dataclass(frozen=True)
class Live:
    """One live value of a section: where it stands, and the name it gives."""

    start: int  # offsets of `{{` and after `}}` in the text
    end: int
    line: int  # of the name's first character, from 1
    column: int
    expression: str  # the text between the braces, stripped
    path: str = ""  # the dotted name, without its cell
    cell: tuple[int, ...] = ()


class LiveError(ValueError):
    """A live value that cannot be evaluated: `line`, `column` and one line of why."""

    def __init__(self, line: int, column: int, why: str):
        self.line, self.column, self.why = line, column, why
        super().__init__(f"{line}:{column}: {why}")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _nearest(path: str, cell: tuple[int, ...]) -> str:
    """ "; did you mean 'mlp.tuned.test.accuracy'?" or where the names are listed."""
    match = difflib.get_close_matches(path, list(VOCABULARY), n=1, cutoff=0.6)
    if not match:
        return "; the names are listed in docs/sections.md"
    near = match[0]
    if VOCABULARY[near] == MATRIX:
        near += "".join(f"[{i}]" for i in cell) if len(cell) == 2 else "[i][j]"
    return f"; did you mean '{near}'?"


def _name_of(node) -> tuple[list[str], list[int]] | None:
    """The dotted name and cell of a Jinja2 expression made only of names, attributes and whole
    indices (`confusion.mlp.tuned[4][9]`); None for anything else."""
    from jinja2 import nodes

    cell: list[int] = []
    while isinstance(node, nodes.Getitem):
        index = node.arg
        if not (isinstance(index, nodes.Const) and type(index.value) is int):
            return None
        cell.insert(0, index.value)
        node = node.node
    names: list[str] = []
    while isinstance(node, nodes.Getattr):
        names.insert(0, node.attr)
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return [node.name, *names], cell


def _parse(expression: str, line: int, column: int) -> tuple[str, tuple[int, ...]]:
    from jinja2 import TemplateSyntaxError, nodes
    from jinja2.sandbox import SandboxedEnvironment

    only = "between {{ and }} only a value's name, e.g. {{ mlp.tuned.test.accuracy }}"
    if not expression:
        raise LiveError(line, column, f"an empty {{{{ }}}}: {only}")
    try:
        tree = SandboxedEnvironment().parse(OPEN + expression + CLOSE)
    except TemplateSyntaxError as exc:
        raise LiveError(
            line, column, f"'{expression}' is not a value's name ({exc.message})"
        ) from None
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], nodes.Output) or len(body[0].nodes) != 1:
        raise LiveError(line, column, f"'{expression}': {only}")
    found = _name_of(body[0].nodes[0])
    if found is None:
        raise LiveError(line, column, f"'{expression}': {only}")
    names, cell = found
    return ".".join(names), tuple(cell)


def _check(path: str, cell: tuple[int, ...], line: int, column: int) -> None:
    shown = path + "".join(f"[{i}]" for i in cell)
    kind = VOCABULARY.get(path)
    if kind is None:
        raise LiveError(line, column, f"unknown value '{shown}'{_nearest(path, cell)}")
    if kind == MATRIX:
        if len(cell) != 2 or not all(0 <= i < N_DIGITS for i in cell):
            raise LiveError(
                line,
                column,
                f"'{shown}': a confusion matrix's cell is [true digit][predicted digit], "
                f"each 0-9, e.g. '{path}[4][9]'",
            )
    elif cell:
        raise LiveError(line, column, f"'{shown}' has no cells: write '{path}'")


def live_values(text: str) -> list[Live]:
    """Every live value of a section's text, in order, each checked against VOCABULARY.

    Raises LiveError (line, column, why) at the first that is not one.
    """
    found: list[Live] = []
    at = 0
    while True:
        start = text.find(OPEN, at)
        if start < 0:
            stray = text.find(CLOSE, at)
            if stray >= 0:
                line, column = _position(text, stray)
                raise LiveError(line, column, "'}}' without its '{{': write both, or neither")
            return found
        end = text.find(CLOSE, start + 2)
        stray = text.find(CLOSE, at, start)
        if stray >= 0:
            line, column = _position(text, stray)
            raise LiveError(line, column, "'}}' without its '{{': write both, or neither")
        inner = text[start + 2 : end] if end >= 0 else ""
        if end < 0 or "\n" in inner or OPEN in inner:
            line, column = _position(text, start)
            raise LiveError(line, column, "'{{' without its '}}' on the same line")
        lead = len(inner) - len(inner.lstrip())
        line, column = _position(text, start + 2 + lead)
        expression = inner.strip()
        path, cell = _parse(expression, line, column)
        _check(path, cell, line, column)
        found.append(Live(start, end + 2, line, column, expression, path, cell))
        if len(found) > MAX_LIVE_VALUES:
            raise LiveError(line, column, f"more than {MAX_LIVE_VALUES} live values in one section")
        at = end + 2


def prose(text: str) -> str:
    """A section's text without its live values: what is the student's own (flags compare it)."""
    return LIVE.sub(" ", text)


def count_live(text: str) -> int:
    """How many live values a (checked) section holds."""
    return len(LIVE.findall(text))


def section_problems(path: str, text: str) -> list[str]:
    """A section file's problems as lines naming file, line and column: `slutsats.md:3:14:
    unknown value 'mlp.tuned.test.acuracy'; did you mean 'mlp.tuned.test.accuracy'?`."""
    try:
        live_values(text)
    except LiveError as exc:
        return [f"{path}:{exc.line}:{exc.column}: {exc.why}"]
    return []


def vocabulary_lines() -> list[str]:
    """The vocabulary as docs/sections.md lists it: a name and what it shows, a line each."""
    what = {
        NAME: "the model's name, as the report writes it",
        COUNT: "a whole number of digits",
        MATRIX: "a confusion matrix's cell: [true digit][predicted digit], a count",
        RMSE: "RMSE, two decimals (scientific above 10 000)",
        ACCURACY: "accuracy, a percentage with one decimal",
        ROUNDED_ACCURACY: "accuracy of the rounded prediction, a percentage with one decimal",
    }
    return [f"{shown_name(p)}: {what[k]}" for p, k in VOCABULARY.items()]
