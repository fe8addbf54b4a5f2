"""Full-MNIST checks (`make test-full`): the seed's headline numbers, reproduced by a real build.

Slow (several minutes on two cores), so marked `full` and left out of `make test`.
"""

from __future__ import annotations

import dataclasses

import pytest

from reportgen.analysis.cache import ResultCache
from reportgen.config import load_config
from reportgen.pipeline import analyse

pytestmark = pytest.mark.full


@pytest.fixture(scope="module")
def full_results(tmp_path_factory, root):
    from .conftest import mnist_dir

    folder = mnist_dir()
    if folder is None:
        pytest.skip("full MNIST not found in MNIST_DIR or ../shared/data/mnist")
    cfg = load_config(root / "report.toml")
    cfg = dataclasses.replace(cfg, data=dataclasses.replace(cfg.data, dataset=f"idx:{folder}"))
    cache = ResultCache(tmp_path_factory.mktemp("cache"))
    results, _, _ = analyse(cfg, lambda *a, **k: None, cache)
    return results


@pytest.fixture(scope="module")
def full_data(full_results) -> dict:
    """The full build's results.json as plain data."""
    return full_results.to_data()


def test_all_seventy_thousand_digits(full_data):
    assert full_data["dataset"]["n_samples"] == 70_000
    assert full_data["data"]["split_sizes"] == {
        "train": 56_000,
        "validation": 7_000,
        "test": 7_000,
    }


def test_default_models_match_the_seed(full_data):
    models = full_data["models"]
    assert 0.90 <= models["logreg"]["default"]["test"]["accuracy"] <= 0.93  # seed: 91 %
    assert models["mlp"]["default"]["test"]["accuracy"] >= 0.965  # seed: 97 %
    assert 1.8 <= models["ridge"]["default"]["test"]["rmse"] <= 2.0  # seed: 1.89


def test_classification_beats_rounded_regression(full_data):
    models = full_data["models"]
    best_rounded = max(
        m["tuned"]["test"]["rounded_accuracy"] for m in models.values() if m["metric"] == "rmse"
    )
    assert models["mlp"]["tuned"]["test"]["accuracy"] > best_rounded + 0.5


def test_tuned_classifiers_beat_the_seed(full_data):
    models = full_data["models"]
    assert models["mlp"]["tuned"]["test"]["accuracy"] >= 0.98  # seed: 97.53 %
    assert models["logreg"]["tuned"]["test"]["accuracy"] >= 0.92  # seed: 91.9 %
    assert models["mlp"]["preprocessing"] == "divide_by_255"


def test_the_full_report_has_no_word_alone_on_a_line(full_results, tmp_path):
    """The full-MNIST report's Metod text once made WeasyPrint put "till" alone on a line (after
    hyphenating "MLP-Classifier"); report.css's hyphenate-limit-chars prevents it."""
    import shutil

    from reportgen.report.figures import save_figures
    from reportgen.report.html import write_report

    from .helpers import lone_word_lines, pdf_layout_text

    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils)")
    save_figures(full_results, tmp_path / "figures")
    write_report(full_results, tmp_path)
    assert lone_word_lines(pdf_layout_text(tmp_path / "report.pdf")) == []
