"""A class of twelve submissions: three configurations, one forged copy, one broken file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.results import parse_results

from ..helpers import BUILD_ARGS, CLASS, COURSE_DATA, report_pdf, run_verify, write_fast_toml


@pytest.fixture(scope="session")
def klass(tmp_path_factory) -> tuple[Path, Path]:
    """(the class folder, the course's config): a = the course's config, b = another seed,
    c = a smaller Ridge grid; forged = a copy of a with a test accuracy changed on its page."""
    tmp = tmp_path_factory.mktemp("class")
    course = write_fast_toml(tmp / "course.toml", report={"author": "Kursansvarig"})
    Path(course).write_text(Path(course).read_text() + COURSE_DATA, encoding="utf-8")
    builds = {
        "a": (write_fast_toml(tmp / "a.toml", report={"author": "Anna"}), []),
        "b": (write_fast_toml(tmp / "b.toml", report={"author": "Bo"}), ["--seed", "7"]),
        "c": (
            write_fast_toml(
                tmp / "c.toml", report={"author": "Cilla"}, grids={"ridge": {"alpha": [1.0]}}
            ),
            [],
        ),
    }
    for name, (config, extra) in builds.items():
        argv = ["build", "--config", config, *BUILD_ARGS, *extra, "--out", str(tmp / name)]
        assert main(argv) == 0
    folder = tmp / "klass"
    for file in CLASS:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        built = Path(file).name[0]
        if built in builds:
            shutil.copy(tmp / built / "report.pdf", folder / file)
    results = parse_results((tmp / "a" / "results.json").read_text(encoding="utf-8"))
    html = (tmp / "a" / "report.html").read_text(encoding="utf-8")
    shown = f"{results.models['mlp'].tuned.test.accuracy * 100:.1f}".replace(".", ",") + "\u00a0%"
    assert shown in html
    forged = report_pdf(results, tmp / "forged", html=html.replace(shown, "99,9\u00a0%"))
    shutil.copy(forged, folder / "forged.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    return folder, Path(course)


@pytest.fixture(scope="session")
def local_class(klass, tmp_path_factory) -> tuple[int, dict, str, Path]:
    """The class verified here in 2 processes, with a summary and the course's config:
    (exit code, JSON report, console, summary folder)."""
    folder, course = klass
    summary = tmp_path_factory.mktemp("summary") / "klass-summary"
    argv = [str(folder), "--summary", str(summary), "--expect", str(course), "--jobs", "2"]
    return (*run_verify(*argv), summary)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A fast build's output folder (300 sample digits): its report.pdf is the submission."""
    tmp = tmp_path_factory.mktemp("submission")
    config = write_fast_toml(tmp / "fast.toml", report={"author": "Anna Andersson"})
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(tmp / "out")]) == 0
    return tmp / "out"
