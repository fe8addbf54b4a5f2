"""The render stack: one set of versions in pyproject.toml, uv.lock and the installed metadata;
build refuses another before any work, and records it when told to build anyway."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.environments import stack
from reportgen.report.pdf import render_environment

from ..helpers import BUILD_ARGS, write_fast_toml

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return stack.pins(project["dependencies"])


def _locked() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    return {stack.canonical(p["name"]): p["version"] for p in lock["package"]}


def test_the_pins_the_lock_and_the_installed_metadata_agree():
    pins = _pyproject_pins()
    assert "weasyprint" in pins and "pydyf" in pins and "jinja2" in pins
    locked = _locked()
    assert {name: locked.get(name) for name in pins} == pins
    assert stack.tested_stack() == pins
    assert stack.installed_stack() == pins
    assert stack.check_stack() == []


def test_only_exact_unmarked_pins_are_the_stack():
    found = stack.pins(["a==1.0", "B_c==2", "d>=1", 'e==3; extra == "dev"', "f==1,<2"])
    assert found == {"a": "1.0", "b-c": "2"}


def test_the_manifest_records_the_whole_render_stack():
    assert render_environment()["stack"] == stack.tested_stack()


def _drifted(monkeypatch, name: str = "weasyprint", version: str = "68.1") -> None:
    real = stack.installed_version
    monkeypatch.setattr(stack, "installed_version", lambda n: version if n == name else real(n))


def test_another_version_is_one_line_naming_it_the_tested_one_and_the_fix(monkeypatch):
    _drifted(monkeypatch)
    with pytest.raises(stack.UntestedStack) as caught:
        stack.check_stack()
    text = str(caught.value)
    assert "\n" not in text
    tested = stack.tested_stack()["weasyprint"]
    for part in (
        "weasyprint 68.1",
        f"pip install weasyprint=={tested}",
        "make",
        "--untested-stack",
    ):
        assert part in text
    assert stack.check_stack(allow_untested=True) == [f"weasyprint 68.1 (tested: {tested})"]


def test_build_refuses_an_untested_stack_before_any_work(monkeypatch, tmp_path, capsys):
    _drifted(monkeypatch)
    config = write_fast_toml(tmp_path / "fast.toml")
    out = tmp_path / "out"
    code = main(["build", "--config", config, *BUILD_ARGS, "--out", str(out)])
    assert code == 2
    assert "weasyprint 68.1" in capsys.readouterr().err
    assert not out.exists()


def test_build_anyway_records_the_untested_stack(monkeypatch, tmp_path):
    _drifted(monkeypatch, "pyphen", "0.1")
    config = write_fast_toml(tmp_path / "fast.toml")
    out = tmp_path / "out"
    argv = ["build", "--config", config, *BUILD_ARGS, "--no-render", "--untested-stack"]
    assert main([*argv, "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["untested_stack"] == [f"pyphen 0.1 (tested: {stack.tested_stack()['pyphen']})"]


def test_an_untested_stack_that_cannot_render_is_one_line(monkeypatch, tmp_path, capsys):
    """WeasyPrint 66.0 has no weasyprint.urls.URLFetcher: its AttributeError is one line naming
    the untested stack and the fix, and the previous output stays as it was."""
    from reportgen.report import html

    _drifted(monkeypatch)
    config = write_fast_toml(tmp_path / "fast.toml")
    out = tmp_path / "out"

    def old_weasyprint(*args, **kwargs):
        raise AttributeError("module 'weasyprint.urls' has no attribute 'URLFetcher'")

    monkeypatch.setattr(html, "write_report", old_weasyprint)
    argv = ["build", "--config", config, *BUILD_ARGS, "--untested-stack", "--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    tested = stack.tested_stack()["weasyprint"]
    assert f"the untested render stack (weasyprint 68.1 (tested: {tested}))" in err[0]
    assert "URLFetcher" in err[0] and "install the tested one" in err[0]
    assert not (out / "report.pdf").exists()
