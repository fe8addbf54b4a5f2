"""The build's run history, the published latest report, the lock, and failure safety."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import shutil
import subprocess
import sys

import pytest

from reportgen import pipeline
from reportgen.analysis.cache import ResultCache
from reportgen.errors import ReportgenError
from reportgen.locations import TEMPLATES_DIR
from reportgen.runs import LOCK_FILE, run_id

from .helpers import completed_runs, make_mnist_dir


@pytest.fixture
def cfg(fast_config):
    data = dataclasses.replace(fast_config.data, dataset="sample", n_samples=300)
    return dataclasses.replace(fast_config, data=data)


def quiet(*args, **kwargs):
    pass


def test_runs_are_kept_and_the_latest_is_published(tmp_path, cfg):
    out = tmp_path / "out"
    cache = ResultCache(tmp_path / "cache")
    first, results, _ = pipeline.build(cfg, out, quiet, cache, render=False)
    second, _, _ = pipeline.build(cfg, out, quiet, cache, render=False)
    assert completed_runs(out) == sorted([first, second])
    assert first.name.split("-")[1] == second.name.split("-")[1]  # same content hash
    assert (out / "results.json").read_bytes() == (second / "results.json").read_bytes()
    assert len(list((out / "figures").glob("*.svg"))) == 7
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".")]


def test_failed_render_keeps_the_previous_report(tmp_path, cfg, monkeypatch):
    out = tmp_path / "out"
    cache = ResultCache(tmp_path / "cache")
    pipeline.build(cfg, out, quiet, cache, render=False)
    (out / "report.pdf").write_bytes(b"previous pdf")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken(*args, **kwargs):
        raise ReportgenError("template report.html line 3: 'x' is undefined")

    import reportgen.report.html

    monkeypatch.setattr(reportgen.report.html, "write_report", broken)
    with pytest.raises(ReportgenError):
        pipeline.build(cfg, out, quiet, cache, render=True)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert len(completed_runs(out)) == 1
    assert not [p for p in (out / "runs").iterdir() if p.name.startswith(".")]


def test_a_second_build_into_a_locked_output_refuses(tmp_path, cfg):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ReportgenError, match="another reportgen build"):
            pipeline.build(cfg, out, quiet, ResultCache(enabled=False), render=False)


def test_unwritable_output_is_a_clear_error(tmp_path, cfg):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ReportgenError, match="cannot write to output directory"):
        pipeline.build(cfg, blocker / "out", quiet, ResultCache(enabled=False), render=False)


def test_run_id_reads_as_time_and_hash():
    import datetime as dt

    rid = run_id("{}", dt.datetime(2026, 11, 24, 6, 15, tzinfo=dt.UTC))
    assert rid.startswith("20261124T061500Z-") and len(rid) == 25


def test_unchanged_report_is_reused_and_a_template_change_rerenders(tmp_path, cfg):
    out = tmp_path / "out"
    cache = ResultCache(tmp_path / "cache")
    lines = []
    first, _, _ = pipeline.build(cfg, out, quiet, cache)
    second, _, _ = pipeline.build(cfg, out, lambda m, transient=False: lines.append(m), cache)
    assert any("previous report reused" in line for line in lines)
    assert (first / "report.pdf").read_bytes() == (second / "report.pdf").read_bytes()
    assert len(list((second / "figures").glob("*.svg"))) == 7

    custom = tmp_path / "tpl"
    custom.mkdir()
    text = (TEMPLATES_DIR / "sv" / "introduction.html").read_text(encoding="utf-8")
    (custom / "sv").mkdir()
    (custom / "sv" / "introduction.html").write_text(text + "\n<p>Egen rad.</p>\n")
    report = dataclasses.replace(cfg.report, templates_dir=str(custom))
    lines.clear()
    third, _, _ = pipeline.build(
        dataclasses.replace(cfg, report=report),
        out,
        lambda m, transient=False: lines.append(m),
        cache,
    )
    assert not any("reused" in line for line in lines)
    assert "Egen rad." in (third / "report.html").read_text(encoding="utf-8")


def test_render_key_covers_every_module_of_every_subpackage(tmp_path):
    """A change to any module, in any subpackage, or to a language catalog re-renders the
    report."""
    package = tmp_path / "reportgen"
    shutil.copytree(
        pipeline.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__", "templates")
    )
    before = pipeline.render_key("{}", package=package)
    assert pipeline.render_key("{}", package=package) == before
    catalog = "locale/en/LC_MESSAGES/reportgen.po"
    for module in (
        "analysis/search/base.py",
        "report/context.py",
        "compare/diff.py",
        "cli.py",
        catalog,
    ):
        path = package / module
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert pipeline.render_key("{}", package=package) != before, module
        path.write_bytes(original)
    assert pipeline.render_key("{}", package=package) == before


def _refused(cfg, tmp_path, match: str) -> list[str]:
    """Build `cfg`, which must fail with an error matching `match`: the progress lines."""
    lines: list[str] = []
    with pytest.raises(ReportgenError, match=match):
        pipeline.build(
            cfg,
            tmp_path / "out",
            lambda m, transient=False: lines.append(m),
            ResultCache(tmp_path / "cache"),
        )
    return lines


def test_a_broken_template_stops_the_build_before_any_fit(tmp_path, cfg):
    custom = tmp_path / "tpl" / "sv"
    custom.mkdir(parents=True)
    (custom / "metod.html").write_text("<p>{% if %}</p>\n")
    report = dataclasses.replace(cfg.report, templates_dir=str(tmp_path / "tpl"))
    lines = _refused(dataclasses.replace(cfg, report=report), tmp_path, r"metod\.html line 1")
    assert lines == []  # nothing was loaded or fitted
    assert not (tmp_path / "cache").exists()


def test_a_title_no_bundled_font_can_draw_stops_the_build_before_any_fit(tmp_path, cfg):
    report = dataclasses.replace(cfg.report, author="Anna \U0001d4d0ndersson")  # MATHEMATICAL A
    match = r"U\+1D4D0 .*none of the bundled fonts"
    lines = _refused(dataclasses.replace(cfg, report=report), tmp_path, match)
    assert lines == []  # nothing was loaded or fitted


def test_missing_weasyprint_stops_a_cold_build_before_any_fit(tmp_path, cfg, monkeypatch):
    """WeasyPrint is checked once a model must be fitted, before that fit."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import now raises ImportError
    lines = _refused(cfg, tmp_path, "WeasyPrint")
    assert not any("tuned" in line or "default" in line for line in lines), lines
    assert not (tmp_path / "out" / "report.pdf").exists()


@pytest.mark.slow
def test_a_warm_rebuild_imports_neither_scikit_learn_nor_weasyprint(tmp_path):
    """All models cached and the report reused: a second in a fresh process, not four. With
    the built-in grids (a config of its own grids imports scikit-learn to check them) and
    every digit of the data set (a subset is drawn with scikit-learn)."""
    data = make_mnist_dir(tmp_path / "mnist", n_train=250, n_test=50)
    env = {**os.environ, "REPORTGEN_CACHE_DIR": str(tmp_path / "cache")}
    argv = ["build", "--dataset", f"idx:{data}", "--out", str(tmp_path / "out")]
    check = (
        "import sys; from reportgen.cli import main; "
        f"code = main({argv!r}); "
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'weasyprint'}))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", check], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert runs[0].stdout.strip().splitlines()[-1] == "0 ['sklearn', 'weasyprint']"
    assert "previous report reused" in runs[1].stdout
    assert runs[1].stdout.strip().splitlines()[-1] == "0 []"
