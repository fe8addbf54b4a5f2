"""The theory answers' illustrations: computed from the run, cached, and never a constant: every
new figure and number changes when the seed or the data change."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.report.context import build_context
from reportgen.results import read_results

THEORY_FIGURES = ("theory_search", "theory_cv", "theory_residuals", "theory_kmeans")


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory, write_fast_toml) -> dict[str, Path]:
    """Fast builds (figures, no PDF): a seed, another seed, and other data with the first seed."""
    tmp = tmp_path_factory.mktemp("theory")
    config = write_fast_toml(tmp / "fast.toml")
    runs = {"seed 1": ["--seed", "1"], "seed 2": ["--seed", "2"], "data": ["--limit", "400"]}
    out = {}
    for name, extra in runs.items():
        folder = tmp / name.replace(" ", "")
        argv = ["build", "--config", config, "--dataset", "sample", "--limit", "300", *extra]
        assert main([*argv, "--out", str(folder), "--no-render"]) == 0
        out[name] = folder
    return out


def _measured(folder: Path) -> dict[str, object]:
    """Every result the theory answers show (not their sizes, which the config sets)."""
    facts = build_context(read_results(folder))["theory"]
    s, cv, r, c, km = (facts[k] for k in ("search", "cv", "residuals", "cell", "kmeans"))
    return {
        "search scores": s["scores"],
        "search test score": s["test"],
        **{f"cv {m['name']}": m["rmse"] for m in cv["models"]},
        "residual counts": r["counts"],
        "residual mean": r["mean"],
        "r2": r["r2"],
        "confusion cell": (c["true"], c["predicted"], c["count"], c["row_total"]),
        "cluster sizes": [k["size"] for k in km["clusters"]],
        "purity": km["purity"],
        "centres": [k.centre for k in read_results(folder).illustrations.kmeans.clusters],
    }


@pytest.mark.parametrize("other", ["seed 2", "data"])
def test_every_theory_number_and_figure_follows_the_seed_and_the_data(three_builds, other):
    a, b = three_builds["seed 1"], three_builds[other]
    first, second = _measured(a), _measured(b)
    same = [name for name in first if first[name] == second[name]]
    assert not same, f"unchanged by {other}: {same}"
    for stem in THEORY_FIGURES:
        svg_a = (a / "figures" / f"{stem}.svg").read_bytes()
        svg_b = (b / "figures" / f"{stem}.svg").read_bytes()
        assert svg_a != svg_b, f"{stem}.svg drawn the same under {other}"


def test_the_illustrations_are_cached_with_the_models(three_builds, capsys):
    """A rebuild of the same inputs computes nothing, the illustrations included, and gives
    the same illustrations."""
    folder = three_builds["seed 1"]
    before = read_results(folder).illustrations
    config = str(folder.parent / "fast.toml")
    argv = ["build", "--config", config, "--dataset", "sample", "--limit", "300", "--seed", "1"]
    capsys.readouterr()
    assert main([*argv, "--out", str(folder), "--no-render"]) == 0
    said = capsys.readouterr().out
    assert "computing" not in said, said
    assert read_results(folder).illustrations == before


def test_rounded_accuracy_is_the_models_own(three_builds):
    """The residuals' rounded accuracy is the regressor's: the same model, the same test part."""
    results = read_results(three_builds["seed 1"])
    r = results.illustrations.residuals
    model = results.models[r.model]
    assert r.rounded_accuracy == pytest.approx(model.tuned.test.rounded_accuracy, abs=1e-12)
    assert r.rmse == pytest.approx(model.tuned.test.rmse, rel=1e-9)
    assert sum(r.counts) == r.n == results.data.split_sizes.test
