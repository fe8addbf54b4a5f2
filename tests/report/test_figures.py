"""Figures: what was drawn (titles, tick labels, cell texts, image data), and stable SVG bytes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reportgen.report.figures import (
    class_distribution_figure,
    digits_figure,
    figures_key,
    rmse_figure,
    save_figures,
)
from reportgen.report.language import language
from reportgen.results import Results

SV = language("sv")


def test_digits_figure_shows_the_first_nine_with_labels(results):
    first = results.data.first_digits.model_dump()
    fig = digits_figure(first["pixels"], first["labels"])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [f"y = {label}" for label in first["labels"]]
    image = fig.axes[0].images[0].get_array()
    assert np.array_equal(np.asarray(image), np.asarray(first["pixels"][0]).reshape(28, 28))


def test_class_distribution_stacks_the_splits():
    counts = {"train": [8] * 10, "validation": [1] * 10, "test": [1] * 10}
    fig = class_distribution_figure(counts, SV)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == [8] * 10 + [1] * 20


@pytest.mark.parametrize("linear_rmse, log", [(2.5, False), (7.9e9, True)])
def test_rmse_figure_goes_log_when_a_model_explodes(results_data, linear_rmse, log):
    results_data["models"]["linear"]["default"]["test"]["rmse"] = linear_rmse
    results_data["models"]["linear"]["tuned"]["test"]["rmse"] = linear_rmse
    from reportgen.report.context import model_names

    ax = rmse_figure(Results.model_validate(results_data).models, model_names(SV), SV).axes[0]
    assert (ax.get_yscale() == "log") is log
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Linjär regression",
        "Lasso",
        "Ridge",
        "Elastic Net",
    ]


def test_svg_bytes_are_stable(tmp_path, results, monkeypatch):
    from reportgen.report import figures

    save_figures(results, tmp_path / "a")
    figures._DRAWN.clear()  # drawn again, not taken from the process's memo
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "empty-cache"))  # nor the folder's
    save_figures(results, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [
        "class_distribution.svg",
        "digits.svg",
        "regression_rmse.svg",
        *(f"theory_{n}.svg" for n in ("cv", "kmeans", "residuals", "search")),
    ]
    for name in names:
        a, b = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert a == b, name
        assert b"<dc:date>" not in a


def test_figures_are_drawn_again_when_the_analysis_or_the_language_changes(results_data):
    key = figures_key(Results.model_validate(results_data))
    words = {**results_data, "report_date": "2030-01-01"}
    words["config"] = {**results_data["config"]}
    words["config"]["report"] = {**results_data["config"]["report"], "author": "Någon annan"}
    assert figures_key(Results.model_validate(words)) == key  # the student's words: same figures
    english = {**words, "config": {**words["config"]}}
    english["config"]["report"] = {**words["config"]["report"], "lang": "en"}
    assert figures_key(Results.model_validate(english)) != key
    other = json.loads(Results.model_validate(results_data).to_json())
    other["data"]["class_counts"]["train"][0] += 1
    assert figures_key(Results.model_validate(other)) != key


def test_figures_kept_in_the_cache_folder_are_the_drawn_ones(tmp_path, results, monkeypatch):
    """A second process (a verify after the build, a --jobs process) takes the figures from
    the cache folder: the same bytes as drawn, without drawing (no matplotlib); an entry that
    is not sound is drawn again and replaced."""
    from reportgen.report import figures

    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    figures._DRAWN.clear()
    save_figures(results, tmp_path / "drawn")
    (entry,) = (tmp_path / "cache" / "figures").rglob("*.json")
    figures._DRAWN.clear()
    monkeypatch.setattr(figures, "_draw", lambda _: pytest.fail("drawn, not taken from the cache"))
    save_figures(results, tmp_path / "stored")
    for svg in (tmp_path / "drawn").iterdir():
        assert (tmp_path / "stored" / svg.name).read_bytes() == svg.read_bytes(), svg.name

    monkeypatch.undo()
    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["svgs"]["digits"] = stored["svgs"]["digits"].replace("<title>", "<title>forged ")
    entry.write_text(json.dumps(stored), encoding="utf-8")  # the checksum no longer holds
    figures._DRAWN.clear()
    save_figures(results, tmp_path / "again")
    digits = (tmp_path / "again" / "digits.svg").read_bytes()
    assert digits == (tmp_path / "drawn" / "digits.svg").read_bytes()
    assert "forged" not in entry.read_text(encoding="utf-8")  # replaced by the drawn ones
    assert figures.clear_stored() == 1 and not entry.exists()  # reportgen cache clear


def test_without_the_cache_the_figures_are_drawn(tmp_path, results, monkeypatch):
    """--no-cache (a cold build, make check-determinism) draws the figures, though the cache
    folder holds them."""
    from reportgen.report import figures

    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path / "cache"))
    figures._DRAWN.clear()
    save_figures(results, tmp_path / "stored")
    figures._DRAWN.clear()
    drawn = []
    draw = figures._draw
    monkeypatch.setattr(figures, "_draw", lambda r: drawn.append(1) or draw(r))
    save_figures(results, tmp_path / "drawn", use_cache=False)
    assert drawn == [1]
