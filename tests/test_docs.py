"""The documentation site: it builds in strict mode, offline, and its reference says what the
code says: every command and option `reportgen COMMAND --help` shows, every config key, every
object of results.json."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.commands import COMMANDS
from reportgen.config import SECTIONS, FlagsConfig, GradingConfig
from reportgen.models import MODELS
from reportgen.results import results_json_schema

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built as `make docs` builds it (strict) into a folder of the test's own."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "NO_MKDOCS_2_WARNING"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    # the build says what it built, and nothing else: no theme's notice on stderr
    said = [line for line in done.stderr.splitlines() if not line.startswith("INFO ")]
    assert said == [], done.stderr
    return out


def text_of(page: Path) -> str:
    """A built page's text: tags removed, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def sections(page: Path, tables_only: bool = False) -> dict[str, str]:
    """A built page's text under each second-level heading, by the heading's id; only its
    tables' text with `tables_only` (not the usage line, which names every option too)."""
    source = page.read_text()
    found = {}
    for part in re.split(r"(?=<h2 id=)", source)[1:]:
        key = re.match(r'<h2 id="([^"]+)"', part).group(1)
        if tables_only:
            part = " ".join(re.findall(r"<table>.*?</table>", part, re.DOTALL))
        found[key] = html.unescape(re.sub(r"<[^>]+>", "", part))
    return found


def help_of(command: list[str], capsys, monkeypatch) -> str:
    """What `reportgen COMMAND --help` prints (80 columns, as on a terminal)."""
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    return capsys.readouterr().out


def shown(help_text: str) -> tuple[set[str], set[str]]:
    """The option strings and the positional arguments' names a --help lists, and every choice
    named in braces."""
    options, names = set(), set()
    section = ""
    for line in help_text.splitlines():
        if line and not line.startswith(" "):
            section = line
            continue
        entry = re.match(r"^  (\S.*?)(?:\s{2,}|$)", line)
        if not entry:
            continue
        if section.startswith("options"):
            options |= set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", entry.group(1)))
        elif section.startswith("positional"):
            names.add(entry.group(1).split()[0])
    names |= set(re.findall(r"\{([^}]+)\}", help_text))
    return options, names


def test_every_command_has_its_section(site):
    found = sections(site / "reference" / "commands" / "index.html")
    assert set(found) == {"reportgen", *COMMANDS}


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_option_of_help_is_on_the_reference_page(site, command, capsys, monkeypatch):
    options, names = shown(help_of([command] if command else [], capsys, monkeypatch))
    assert options, "no option read from --help"
    page = site / "reference" / "commands" / "index.html"
    section = sections(page, tables_only=True)[command or "reportgen"]
    missing = sorted(o for o in options if not re.search(rf"(?<![\w-]){o}(?![\w-])", section))
    assert not missing, f"reportgen {command} --help shows {missing}, the reference does not"
    for name in names:
        for word in re.split(r"[,{}]", name):
            assert word in section, f"reportgen {command} --help shows {word!r}"
    if not command:
        assert all(name in section for name in COMMANDS)


def config_keys() -> list[str]:
    keys = [
        f"{name}.{field.name}"
        for name, cls in [*SECTIONS.items(), ("grading", GradingConfig), ("flags", FlagsConfig)]
        for field in dataclasses.fields(cls)
    ]
    keys += [f"grids.{key}.{param}" for key, model in MODELS.items() for param in model.grid]
    return keys


def test_every_config_key_is_on_the_reference_page(site):
    page = text_of(site / "reference" / "config" / "index.html")
    keys = config_keys()
    assert len(keys) > 30
    missing = [k for k in keys if not re.search(rf"(?<![\w.]){re.escape(k)}(?![\w])", page)]
    assert not missing


def test_every_object_and_field_of_results_json_is_on_its_page(site):
    found = sections(site / "reference" / "results" / "index.html")
    schema = results_json_schema()
    objects = {"Results": schema, **schema["$defs"]}
    assert {name.lower() for name in objects} <= set(found)
    for name, obj in objects.items():
        for field in obj.get("properties", {}):
            assert field in found[name.lower()], f"{name}.{field}"


def test_the_site_loads_nothing_from_outside(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 10
    assert not any('class="mermaid"' in p.read_text() for p in pages)  # loaded from a CDN
    outside = re.compile(
        r"<(?:script|img|iframe)[^>]+src=[\"']?(?:https?:)?//"
        r"|<link[^>]+href=[\"']?(?:https?:)?//"
        r"|url\([\"']?(?:https?:)?//|@import\s+[\"']?(?:https?:)?//"
    )
    for path in [*pages, *site.rglob("*.css"), *site.rglob("*.js")]:
        hits = outside.findall(path.read_text(errors="replace"))
        assert not hits, f"{path.relative_to(site)} loads {hits[:3]}"
    assert "fonts.googleapis" not in "".join(p.read_text() for p in pages)
    index = (site / "search" / "search_index.json").read_text()
    assert "reportgen verify" in index  # search runs from the built files


def test_every_picture_is_there_described_and_shown(site):
    """Each <img> of a page is a file of the site with its alt text, and each picture that
    `make docs-pictures` made is shown somewhere."""
    shown = set()
    for page in site.rglob("*.html"):
        for tag in re.findall(r"<img [^>]*>", page.read_text()):
            src = re.search(r'src="([^"]+)"', tag).group(1)
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 15, f"{page}: {tag} has no alt text"
            picture = (page.parent / src).resolve()
            assert picture.is_file(), f"{page}: {src} is missing"
            shown.add(picture.name)
    made = {p.name for p in (ROOT / "docs" / "pictures").glob("*.png")}
    assert len(made) >= 9
    assert made <= shown, f"pictures no page shows: {sorted(made - shown)}"


def test_readme_is_the_front_door():
    """README.md: at most 150 lines, and every file it links to or shows is there."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    targets = re.findall(r"\]\(([^)#]+)[^)]*\)|src=\"([^\"]+)\"", readme)
    paths = [a or b for a, b in targets if not (a or b).startswith("http")]
    assert len(paths) > 10
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing
