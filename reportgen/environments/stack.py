"""The render stack: the packages that decide a report PDF's bytes, at the versions tested.

The tested versions are reportgen's own `==` pins (pyproject.toml's dependencies, read back from
the installed metadata, so a wheel installed alone knows them too); uv.lock locks the same
versions (a test holds the three equal). `build` and `render` refuse another version before any
work, unless told to build anyway (--untested-stack); verify records and compares the stack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import metadata

from ..errors import ReportgenError

DISTRIBUTION = "reportgen"
NOT_INSTALLED = "not installed"
# "weasyprint==70.0" with no marker: a pin of the render stack ("pkg>=1" or "; extra == ..." is not)
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;,]+)\s*$")
OPT_OUT = "--untested-stack"


class UntestedStack(ReportgenError):
    """A package of the render stack is at a version reportgen was not tested with."""


def canonical(name: str) -> str:
    """A distribution's name as PyPI compares names (PEP 503): 'MarkupSafe' -> 'markupsafe'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    """The exact pins (name==version, no marker) among requirement strings, name -> version."""
    found = {}
    for requirement in requirements:
        match = _PIN.match(requirement)
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def tested_stack() -> dict[str, str]:
    """The render stack reportgen is tested with, name -> version (its metadata's `==` pins);
    empty where reportgen's metadata is missing (a copy of the package without an install)."""
    try:
        return pins(metadata.requires(DISTRIBUTION) or [])
    except metadata.PackageNotFoundError:
        return {}


def installed_version(name: str) -> str:
    """The installed version of a distribution, or 'not installed'."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return NOT_INSTALLED


def installed_stack(names: list[str] | None = None) -> dict[str, str]:
    """The installed version of each package of the render stack (default: the tested one's)."""
    return {name: installed_version(name) for name in (names or sorted(tested_stack()))}


def stack_differences(tested: Mapping[str, str], installed: Mapping[str, str]) -> list[str]:
    """One line per package whose installed version is not the tested one."""
    return [
        f"{name} {installed.get(name, NOT_INSTALLED)} (tested: {version})"
        for name, version in sorted(tested.items())
        if installed.get(name) != version
    ]


def check_stack(allow_untested: bool = False) -> list[str]:
    """The untested packages of this environment's render stack: UntestedStack (one line: each
    package, its version, the tested one and how to get it) unless `allow_untested`, when they are
    returned for the run to record."""
    tested = tested_stack()
    installed = installed_stack(sorted(tested))
    differences = stack_differences(tested, installed)
    if differences and not allow_untested:
        wrong = [name for name in sorted(tested) if installed.get(name) != tested[name]]
        fix = " ".join(f"{name}=={tested[name]}" for name in wrong)
        found = ", ".join(f"{name} {installed[name]}" for name in wrong)
        tried = ", ".join(tested[name] for name in wrong)
        raise UntestedStack(
            f"the render stack is not the tested one: {found} is installed, reportgen "
            f"{metadata.version(DISTRIBUTION)} is tested with {tried}: pip install {fix} "
            f"(or `make` in a checkout), or build anyway with {OPT_OUT}"
        )
    return differences
