"""A submission's own render environment: a venv with its recorded render stack, made with uv.

Where a report was built with another render stack than this machine's (WeasyPrint 68.1, say),
its bytes can only be compared with a render by that stack. One venv per environment digest (the
pins and the Python minor version) is kept in the cache folder, REPORTGEN_CACHE_DIR/environments/
<digest>: made once (uv: `uv venv`, `uv pip install` the recorded pins and reportgen's other
requirements at this environment's versions), then reused in milliseconds. It is made in a
temporary folder beside it and renamed into place, so two processes making it at once never
leave a half-made one. reportgen itself is never installed from the index: the verifier's own
package is copied in as a wheel lays it out (the templates inside it), so the code a
regenerated report's manifest records is the verifier's, checked by its digest.

Wheels may come from a folder instead of (REPORTGEN_OFFLINE=1) or besides the package index:
REPORTGEN_WHEELS=DIR (`verify --wheels DIR`, `--offline`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..errors import ReportgenError
from ..files import default_cache_dir
from ..locations import PACKAGE_DIR, TEMPLATES_DIR, code_digest
from .stack import DISTRIBUTION, canonical, installed_version

FOLDER = "environments"
READY = "reportgen-environment.json"  # written last: a folder without it is not an environment
WHEELS_VARIABLE = "REPORTGEN_WHEELS"
OFFLINE_VARIABLE = "REPORTGEN_OFFLINE"
# Not needed to render (uv makes environments; it never runs inside one): left out of the venv.
NOT_NEEDED = {"uv"}
UV_SECONDS = 600  # one uv call; a cold install from the index takes 10-40 s


class EnvironmentUnavailable(ReportgenError):
    """A submission's render environment cannot be made here (offline, a version gone, ...)."""


@dataclass(frozen=True)
class Environment:
    """A made render environment: its interpreter, digest, and how long making it took."""

    python: Path
    digest: str
    pins: dict[str, str]
    seconds: float
    made: bool  # made now (else found made in the cache folder)


def _uv() -> str:
    try:
        import uv
    except ImportError:
        raise EnvironmentUnavailable("uv is not installed here: pip install uv") from None
    return uv.find_uv_bin()


def base_requirements() -> list[str]:
    """reportgen's own requirement names (no extras), canonical, in its metadata's order."""
    import re

    names = []
    for requirement in metadata.requires(DISTRIBUTION) or []:
        if "extra ==" in requirement.replace("extra==", "extra =="):
            continue
        name = canonical(re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0])
        if name not in names and name not in NOT_NEEDED:
            names.append(name)
    return names


def environment_pins(recorded: Mapping[str, str]) -> dict[str, str]:
    """Every package a render needs, name -> version: the recorded render stack's versions,
    and this environment's version of reportgen's other requirements (NumPy, pydantic, ...)."""
    recorded = {canonical(name): version for name, version in recorded.items()}
    pins = {name: recorded.get(name) or installed_version(name) for name in base_requirements()}
    pins.update(recorded)
    return {name: version for name, version in sorted(pins.items()) if version != "not installed"}


def environment_digest(pins: Mapping[str, str], python: str) -> str:
    """The name of the environment of these pins under this Python minor version ('3.11'), with
    this reportgen's code in it: an upgraded or edited reportgen makes a new one (a stale copy
    would render other bytes, and its two renders would agree: a false `tampered`)."""
    material = {"pins": dict(sorted(pins.items())), "python": python, "code": code_digest()}
    text = json.dumps(material)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def python_minor(version: str) -> str:
    """'3.11.7' -> '3.11'."""
    return ".".join(version.split(".")[:2])


def _interpreter(minor: str) -> tuple[str, str]:
    """(the interpreter to base the venv on, its minor version): the recorded minor version
    where uv finds it here, else this one (a render does not depend on Python's patch level,
    nor, measured on 3.11 and 3.12, on its minor version)."""
    here = python_minor(f"{sys.version_info.major}.{sys.version_info.minor}")
    if minor == here:
        return sys.executable, here
    found = subprocess.run(
        [_uv(), "python", "find", "--system", minor],
        capture_output=True,
        text=True,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        timeout=60,
    )
    if found.returncode == 0 and found.stdout.strip():
        return found.stdout.strip(), minor
    return sys.executable, here


def _index_options() -> list[str]:
    """uv pip's options for where wheels come from: the index, and/or REPORTGEN_WHEELS."""
    options = []
    wheels = os.environ.get(WHEELS_VARIABLE)
    if wheels:
        options += ["--find-links", wheels]
    if os.environ.get(OFFLINE_VARIABLE, "") not in ("", "0"):
        options += ["--no-index", "--offline"]
    return options


def _run_uv(args: list[str], what: str) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    try:
        done = subprocess.run(
            [_uv(), *args], capture_output=True, text=True, env=env, timeout=UV_SECONDS
        )
    except subprocess.TimeoutExpired:
        raise EnvironmentUnavailable(f"{what}: uv took more than {UV_SECONDS} s") from None
    if done.returncode != 0:
        lines = [line.strip(" ×╰─▶│") for line in done.stderr.splitlines()]
        reason = " ".join(line for line in lines if line).removeprefix("error: ")
        reason = reason if len(reason) <= 240 else reason[:239] + "…"
        raise EnvironmentUnavailable(f"{what}: {reason or f'uv exited with {done.returncode}'}")


def _site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python*/site-packages")) or sorted(venv.glob("Lib/site-packages"))
    if not found:
        raise EnvironmentUnavailable(f"no site-packages in the new environment {venv}")
    return found[0]


def _copy_reportgen(site: Path) -> None:
    """The verifier's reportgen into `site` as its wheel lays it out (templates inside the
    package), with metadata naming its requirements (the render stack reads its pins)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    target = site / "reportgen"
    shutil.copytree(PACKAGE_DIR, target, ignore=ignore)
    if not TEMPLATES_DIR.is_relative_to(PACKAGE_DIR):
        shutil.copytree(TEMPLATES_DIR, target / "templates", ignore=ignore)
    version = metadata.version(DISTRIBUTION)
    info = site / f"{DISTRIBUTION}-{version}.dist-info"
    info.mkdir()
    lines = ["Metadata-Version: 2.1", f"Name: {DISTRIBUTION}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in metadata.requires(DISTRIBUTION) or []]
    (info / "METADATA").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (info / "INSTALLER").write_text("reportgen\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")


def _check_copy(python: Path) -> None:
    """The copied reportgen's code digest is the verifier's (else its renders would differ)."""
    probe = "from reportgen.locations import code_digest; print(code_digest())"
    done = subprocess.run(
        [str(python), "-I", "-c", probe], capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0 or done.stdout.strip() != code_digest():
        raise EnvironmentUnavailable(
            "the copy of reportgen in the new environment has another code digest than this "
            "reportgen: reinstall reportgen"
        )


def _install(venv_python: Path, pins: Mapping[str, str], stack: Mapping[str, str]) -> None:
    """Every pin at once; where the recorded stack's own requirements disagree with the other
    pins (a student forced one package with --no-deps), the rest first, then the stack's pins
    without their dependencies, as the student's environment had them."""
    where = ["--python", str(venv_python), "--quiet", *_index_options()]
    everything = [f"{name}=={version}" for name, version in pins.items()]
    try:
        _run_uv(["pip", "install", *where, *everything], "installing the render stack")
        return
    except EnvironmentUnavailable as first:
        others = [f"{n}=={v}" for n, v in pins.items() if n not in stack]
        forced = [f"{n}=={v}" for n, v in pins.items() if n in stack]
        try:
            _run_uv(["pip", "install", *where, *others], "installing reportgen's requirements")
            _run_uv(["pip", "install", *where, "--no-deps", *forced], "installing the stack")
        except EnvironmentUnavailable:
            raise first from None


def environments_dir() -> Path:
    """Where the made environments are kept: the cache folder's environments/."""
    return default_cache_dir() / FOLDER


def make_environment(stack: Mapping[str, str], python: str) -> Environment:
    """The render environment of this recorded `stack` (name -> version) under Python `python`
    ('3.11.7' or '3.11'): found in the cache folder, or made now. EnvironmentUnavailable (one
    line: what could not be installed) where it cannot be made."""
    t0 = time.perf_counter()
    stack = {canonical(name): version for name, version in stack.items()}
    pins = environment_pins(stack)
    base, minor = _interpreter(python_minor(python))
    digest = environment_digest(pins, minor)
    root = environments_dir()
    final = root / digest
    if (final / READY).is_file():
        return Environment(final / "bin" / "python", digest, pins, time.perf_counter() - t0, False)
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=root))
    except OSError as exc:
        raise EnvironmentUnavailable(f"cannot write {root} ({exc.strerror or exc})") from None
    try:
        _run_uv(["venv", "--quiet", "--relocatable", "--python", base, str(tmp)], "uv venv")
        python_path = tmp / "bin" / "python"
        _install(python_path, pins, stack)
        _copy_reportgen(_site_packages(tmp))
        _check_copy(python_path)
        record = {"pins": pins, "python": minor, "made_seconds": time.perf_counter() - t0}
        (tmp / READY).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:  # another process made it first: use that one
            if not (final / READY).is_file():
                raise
    except EnvironmentUnavailable as exc:
        drift = [f"{n} {v}" for n, v in sorted(stack.items()) if installed_version(n) != v]
        named = ", ".join(drift) or "this render stack"
        raise EnvironmentUnavailable(
            f"the render environment of {named} cannot be made ({exc}): give verify "
            "--wheels DIR holding its wheels, or let it reach the package index"
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.perf_counter() - t0
    return Environment(final / "bin" / "python", digest, pins, seconds, True)


def clear_environments() -> int:
    """Remove every made environment from the cache folder; return how many."""
    root = environments_dir()
    count = 0
    for path in root.iterdir() if root.is_dir() else []:
        shutil.rmtree(path, ignore_errors=True)
        count += path.name[0] != "."
    return count
