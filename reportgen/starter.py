"""`reportgen init`: a starter folder for a student, with every config key explained."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from .config import DEFAULT_CONFIG, SECTIONS, option_doc
from .errors import ReportgenError
from .files import write_temp

SELF_EVALUATION = "sjalvutvardering.md"
OWN_SECTION = "slutsats.md"  # an example of report.sections, with two live values

HEADER = """\
# reportgen's config for your report. Every key is optional: delete a line to get the default.
# Flags on the command line override this file (reportgen build --help).
"""
FOOTER = """
# Grids override the built-in ones key by key (reportgen's README lists them), e.g.:
# [grids.ridge]
# alpha = [0.1, 1.0, 10.0, 100.0]
"""
COMMENT_COLUMN = 26  # where a key's explanation starts; a longer line has it above


def starter_toml(today: dt.date) -> str:
    """report.toml for a student: every option of every section at its default (today's date,
    the self-evaluation file), each followed by the doc its declaration gives (config.py)."""
    given = {
        ("report", "date"): today.isoformat(),
        ("report", "self_evaluation"): SELF_EVALUATION,
        ("report", "sections"): {"slutsats": OWN_SECTION},
    }
    lines = [HEADER]
    for name, section in SECTIONS.items():
        lines.append(f"[{name}]")
        defaults = section()
        tables = []  # an option that is a table of its own ([report.sections]) comes last
        for option in dataclasses.fields(section):
            value = given.get((name, option.name), getattr(defaults, option.name))
            doc = option_doc(section, option.name)
            if isinstance(value, dict):
                tables += ["", f"[{name}.{option.name}]", f"# {doc}"]
                tables += [f"{k} = {_toml_value(v)}" for k, v in value.items()]
                continue
            line = f"{option.name} = {_toml_value(value)}"
            if len(line) >= COMMENT_COLUMN - 1:
                lines += [f"# {doc}", line]
            else:
                lines.append(f"{line.ljust(COMMENT_COLUMN - 1)} # {doc}")
        lines += [*tables, ""]
    return "\n".join(lines).rstrip("\n") + "\n" + FOOTER


def _toml_value(value: Any) -> str:
    """A default as TOML writes it: JSON's strings, numbers and lists are TOML's too."""
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


SELF_EVALUATION_TEXT = """\
<!-- Din självutvärdering: skriv med egna ord och ta bort den här kommentaren.
     Filen är Markdown; den hamnar i rapportens kapitel Självutvärdering. -->

## Utmaningar

Vilka utmaningar mötte du i arbetet, och hur hanterade du dem?

## Betyg

Vilket betyg anser du att du ska ha, och varför?

## Till utbildningsledaren

Något du vill lyfta fram?
"""


OWN_SECTION_TEXT = """\
## Min slutsats

Det här är din egen slutsats: den ersätter rapportens kapitel Slutsats och diskussion. Skriv
med egna ord. Ett namn mellan dubbla klammerparenteser är ett levande värde: rapporten hämtar
det ur din körning och skriver det som rapporten skriver samma tal, så det stämmer alltid.

Den bästa klassificeraren, {{ best_classifier.name }}, klassade
{{ best_classifier.tuned.test.accuracy }} av testbilderna rätt.

Alla namn du kan använda står i reportgens dokumentation (docs/sections.md). Vill du behålla
rapportens egen slutsats: ta bort raden slutsats = "slutsats.md" i report.toml.
"""


def write_starter(folder: Path, today: dt.date | None = None) -> list[tuple[Path, bool]]:
    """Write report.toml (today's date filled in), sjalvutvardering.md and slutsats.md (an own
    section with two live values) into `folder`.

    Never overwrites: an existing file is kept. Returns (path, written) for each file.
    """
    today = today or dt.date.today()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportgenError(
            f"cannot create {folder} ({exc.strerror}): choose another folder"
        ) from None
    files = {
        folder / DEFAULT_CONFIG: starter_toml(today),
        folder / SELF_EVALUATION: SELF_EVALUATION_TEXT,
        folder / OWN_SECTION: OWN_SECTION_TEXT,
    }
    done = []
    for path, text in files.items():
        tmp = write_temp(path, text)
        try:
            os.link(tmp, path)  # fails if the file exists: never overwritten, even in a race
            done.append((path, True))
        except FileExistsError:
            done.append((path, False))
        finally:
            tmp.unlink(missing_ok=True)
    return done
