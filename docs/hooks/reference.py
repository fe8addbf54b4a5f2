"""The site's reference pages, written at build time from the code itself (an MkDocs hook).

A page holds a marker line, `<!-- reference: NAME -->`; the hook puts the generated Markdown in
its place, so the reference cannot go stale:

- `commands`: every command and option of `reportgen`, walked from cli.py's own argparse parser;
- `config`: every key of report.toml and of a course config, from config.py's option
  declarations (type, default, description) and the models' built-in grids;
- `results`: every object of results.json, from results.py's pydantic model (its JSON Schema).

argparse has no public way to list a parser's arguments: this walks `_actions` (stable since
Python 3.2), as sphinx-argparse does.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from typing import Any

MARKER = re.compile(r"^<!-- reference: (\w+) -->$", re.MULTILINE)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return MARKER.sub(lambda m: GENERATORS[m.group(1)](), markdown)


# ---- the command line ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _subcommand_rows(parser: argparse.ArgumentParser) -> list[str]:
    """A row per command: its name, linked to its section, and its one line of help."""
    return [
        f"| [`{choice.dest}`](#{choice.dest}) | {_cell(choice.help or '')} |"
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    ]


def _argument_rows(parser: argparse.ArgumentParser) -> list[str]:
    rows = []
    formatter = parser._get_formatter()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                name += " " + formatter._format_args(action, action.dest.upper())
        else:
            name = formatter._format_args(action, action.dest)
        values = " \\| ".join(_code(str(c)) for c in action.choices) if action.choices else ""
        default = action.default
        shown_default = (
            ""
            if default in (None, False, argparse.SUPPRESS) or not action.option_strings
            else _code(repr(default) if isinstance(default, str) else str(default))
        )
        help_text = formatter._expand_help(action) if action.help else ""
        row = [_code(name), values, shown_default, _cell(help_text)]
        rows.append("| " + " | ".join(row) + " |")
    return rows


def _command(name: str, parser: argparse.ArgumentParser) -> str:
    usage = parser.format_usage().removeprefix("usage: ").strip()
    usage = " ".join(usage.split())
    parts = [f"## `{name}`", "", parser.description or "", "", "```", usage, "```", ""]
    rows = _argument_rows(parser)
    if rows:
        parts += ["| argument | values | default | what it does |", "| --- | --- | --- | --- |"]
        parts += rows + [""]
    if parser.epilog:
        parts += ["```", parser.epilog.strip(), "```", ""]
    return "\n".join(parts)


def commands() -> str:
    from reportgen.cli import _parser

    top = _parser()
    parts = [
        "## `reportgen`",
        "",
        "```",
        " ".join(top.format_usage().removeprefix("usage: ").split()),
        "```",
        "",
        "| argument | values | default | what it does |",
        "| --- | --- | --- | --- |",
        *_argument_rows(top),
        "",
        "| COMMAND | what it does |",
        "| --- | --- |",
        *_subcommand_rows(top),
        "",
    ]
    for name, parser in _subcommands(top).items():
        parts.append(_command(name, parser))
    return "\n".join(parts)


# ---- the config ---------------------------------------------------------------------------------


def _value(value: Any) -> str:
    return _code(json.dumps(value, ensure_ascii=False))


def _type(prop: dict[str, Any], defs: dict[str, Any], link: bool = False) -> str:
    """A JSON Schema property as a short type: `string`, `integer`, `list of string`, ...; an
    object of the schema's own by its name, linked to its table (`link`) or spelled out."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{name.lower()})" if link else _type(defs[name], defs)
    if "enum" in prop:
        return "one of " + ", ".join(_code(json.dumps(v)) for v in prop["enum"])
    if "const" in prop:
        return _code(json.dumps(prop["const"]))
    if "anyOf" in prop:
        return " or ".join(_type(p, defs, link) for p in prop["anyOf"])
    kind = prop.get("type", "any")
    if isinstance(kind, list):  # ["integer", "number"]
        kind = " or ".join(kind)
    if kind == "array":
        if "prefixItems" in prop:
            return "list of " + ", ".join(_type(p, defs, link) for p in prop["prefixItems"])
        return "list of " + _type(prop.get("items", {}), defs, link)
    if kind == "object" and "additionalProperties" in prop:
        extra = prop["additionalProperties"]
        return "table of " + (_type(extra, defs, link) if isinstance(extra, dict) else "any")
    signs = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
    limits = [f"{sign} {prop[key]}" for key, sign in signs.items() if key in prop]
    return kind + (f" ({', '.join(limits)})" if limits else "")


def _section_rows(prefix: str, cls: type) -> list[str]:
    from pydantic import TypeAdapter

    schema = TypeAdapter(cls).json_schema()
    defs = schema.get("$defs", {})
    rows = []
    for field in dataclasses.fields(cls):
        prop = schema["properties"][field.name]
        default = _value(prop["default"]) if "default" in prop else "required"
        row = [_code(f"{prefix}.{field.name}"), _type(prop, defs), default]
        row.append(_cell(prop.get("description", "")))
        rows.append("| " + " | ".join(row) + " |")
    return rows


def _table(prefix: str, cls: type) -> list[str]:
    return [
        "| key | type | default | meaning |",
        "| --- | --- | --- | --- |",
        *_section_rows(prefix, cls),
        "",
    ]


def config() -> str:
    from reportgen.config import SECTIONS, FlagsConfig, GradingConfig
    from reportgen.models import MODELS

    parts = []
    for name, cls in SECTIONS.items():
        parts += [f"## `[{name}]`", "", cls.__doc__ or "", "", *_table(name, cls)]
    parts += [
        "## `[grids.MODEL]`",
        "",
        "Each model's grid: a list of values per hyperparameter. A table in the config replaces "
        "the built-in grid key by key. The models and their built-in grids:",
        "",
        "| key | model | family | built-in grid |",
        "| --- | --- | --- | --- |",
    ]
    for key, model in MODELS.items():
        grid = "<br>".join(
            f"`grids.{key}.{param}` = {_code(json.dumps(values))}"
            for param, values in model.grid.items()
        )
        parts.append(f"| `{key}` | {_cell(model.name)} | {model.family} | {grid} |")
    parts += [
        "",
        "## `[grading]` (a course config)",
        "",
        _cell(GradingConfig.__doc__ or ""),
        "",
        *_table("grading", GradingConfig),
        "## `[flags]` (a course config)",
        "",
        _cell(FlagsConfig.__doc__ or ""),
        "",
        *_table("flags", FlagsConfig),
    ]
    return "\n".join(parts)


# ---- results.json -------------------------------------------------------------------------------


def results() -> str:
    from reportgen.results import results_json_schema

    schema = results_json_schema()
    defs = schema["$defs"]
    parts = []
    for title, obj in [("Results", schema), *sorted(defs.items())]:
        required = set(obj.get("required", []))
        props = obj.get("properties", {})
        described = any("description" in prop for prop in props.values())
        head = ["field", "type", "required"] + ["description"] * described
        parts += [f"## {title}", "", _cell(obj.get("description", "")), ""]
        parts += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for name, prop in props.items():
            row = [_code(name), _type(prop, defs, link=True), "yes" if name in required else ""]
            row += [_cell(prop.get("description", ""))] * described
            parts.append("| " + " | ".join(row) + " |")
        parts.append("")
    return "\n".join(parts)


GENERATORS = {"commands": commands, "config": config, "results": results}
