"""A submission's own render environment: its pins, its digest, made once with uv into the cache
folder (two makers at once leave one whole environment), or a one-line reason why not."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from reportgen.environments import stack, venvs


def test_the_recorded_stack_replaces_the_pins_and_the_rest_is_this_environment_s():
    pins = venvs.environment_pins({"WeasyPrint": "68.1"})
    assert pins["weasyprint"] == "68.1"
    here = stack.installed_stack(sorted(stack.tested_stack()))
    assert {n: v for n, v in pins.items() if n in here and n != "weasyprint"} == {
        n: v for n, v in here.items() if n != "weasyprint"
    }
    assert "numpy" in pins and "pydantic" in pins  # reportgen's other requirements
    assert "uv" not in pins and "reportgen" not in pins


def test_the_digest_names_the_pins_and_the_python_minor_version():
    pins = venvs.environment_pins({})
    digest = venvs.environment_digest(pins, "3.11")
    assert digest == venvs.environment_digest(dict(reversed(pins.items())), "3.11")
    assert digest != venvs.environment_digest(pins, "3.12")
    assert digest != venvs.environment_digest({**pins, "weasyprint": "68.1"}, "3.11")
    assert venvs.python_minor("3.11.7") == "3.11"


def test_offline_without_the_wheels_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(venvs.WHEELS_VARIABLE, str(tmp_path))  # no wheels in it
    monkeypatch.setenv(venvs.OFFLINE_VARIABLE, "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))  # nothing cached either
    with pytest.raises(venvs.EnvironmentUnavailable) as caught:
        venvs.make_environment({"weasyprint": "68.1"}, sys.version)
    assert "\n" not in str(caught.value) and "weasyprint" in str(caught.value).lower()
    assert list(venvs.environments_dir().iterdir()) == []


@pytest.mark.slow
def test_two_makers_at_once_leave_one_whole_environment_then_it_is_found(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    made: list = []
    makers = [
        threading.Thread(target=lambda: made.append(venvs.make_environment({}, sys.version)))
        for _ in range(2)
    ]
    for maker in makers:
        maker.start()
    for maker in makers:
        maker.join()
    assert len(made) == 2 and made[0].python == made[1].python
    assert made[0].python.is_file()
    assert [p.name for p in venvs.environments_dir().iterdir()] == [made[0].digest]
    assert (made[0].python.parents[1] / venvs.READY).is_file()
    again = venvs.make_environment({}, sys.version)
    assert again.python == made[0].python and not again.made and again.seconds < 2
    site = next(Path(made[0].python.parents[1]).glob("lib/python*/site-packages"))
    assert (site / "reportgen" / "templates" / "base.html").is_file() or (
        site / "reportgen" / "templates"
    ).is_dir()
