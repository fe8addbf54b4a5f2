"""A student's folder as `reportgen init` makes it, on 300 sample digits with tiny grids, built
once per session; each test gets its own copy (output/ and its cached run included)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.starter import SELF_EVALUATION, write_starter

from ..helpers import FAST_GRIDS


def small_config(text: str, limit: int = 300) -> str:
    """The starter's report.toml on `limit` sample digits, a fixed date and the tiny grids."""
    text = re.sub(r'(?m)^dataset = "auto"', 'dataset = "sample"', text)
    text = re.sub(r"(?m)^n_samples = 0", f"n_samples = {limit}", text)
    text = re.sub(r'(?m)^date = "[0-9-]+"', 'date = "2026-01-15"', text)
    for model, grid in FAST_GRIDS.items():
        text += f"\n[grids.{model}]\n" + "".join(
            f"{k} = {json.dumps(v)}\n" for k, v in grid.items()
        )
    return text


@pytest.fixture(scope="session")
def student_run(tmp_path_factory) -> Path:
    """The folder, its report built into output/ (the session's cache keeps its fits)."""
    folder = tmp_path_factory.mktemp("student") / "rapport"
    write_starter(folder)
    config = folder / "report.toml"
    config.write_text(small_config(config.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["build", "--config", str(config), "--out", str(folder / "output")]) == 0
    return folder


@pytest.fixture
def student(student_run, tmp_path) -> Path:
    """This test's copy of the built folder."""
    folder = tmp_path / "rapport"
    shutil.copytree(student_run, folder)
    return folder


@pytest.fixture
def self_evaluation(student) -> Path:
    return student / SELF_EVALUATION
