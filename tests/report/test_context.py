"""build_context as a plain dict: real values from the fixture, and prose flags that flip."""

from __future__ import annotations

import copy
import json

import pytest

from reportgen.report.context import build_context
from reportgen.report.language import language
from reportgen.results import Results, parse_results


@pytest.fixture
def results(results_data) -> dict:
    """A fresh copy of the frozen small run (safe to mutate)."""
    return results_data


def context_of(data: dict) -> dict:
    """build_context of an edited results dict, validated as every reader does."""
    return build_context(Results.model_validate(data))


def test_best_models_and_comparison(results):
    ctx = context_of(results)
    assert ctx["best_regressor"]["key"] == "elasticnet"
    assert ctx["best_regressor"]["tuned"]["test_rmse"] == pytest.approx(1.8298426577591032)
    assert ctx["best_classifier"]["key"] == "mlp"
    assert ctx["comparison"]["classifier_accuracy"] == pytest.approx(0.952)
    assert ctx["comparison"]["regressor_accuracy"] == pytest.approx(0.2)
    assert ctx["comparison"]["gap"] == pytest.approx(0.952 - 0.2)
    assert ctx["best_default_regressor"]["key"] == "elasticnet"
    assert ctx["best_default_classifier"]["key"] == "mlp"


def test_best_regressor_follows_the_lowest_tuned_test_rmse(results):
    results["models"]["ridge"]["tuned"]["test"]["rmse"] = 0.5
    assert context_of(results)["best_regressor"]["key"] == "ridge"


def test_linear_near_worse_and_exploded(results):
    ctx = context_of(results)
    assert ctx["linear"]["state"] == "worse"  # 6.29 vs Ridge's tuned 2.05
    assert ctx["linear"]["ratio"] == pytest.approx(6.294524064213272 / 2.0468981970040083)
    assert not ctx["linear"]["exploded"]

    huge = copy.deepcopy(results)
    huge["models"]["linear"]["default"]["test"]["rmse"] = 7.9e9
    ctx = context_of(huge)
    assert ctx["linear"]["exploded"] and ctx["linear"]["state"] == "exploded"
    assert ctx["linear"]["rmse"] == 7.9e9

    near = copy.deepcopy(results)
    for phase in ("default", "tuned"):
        near["models"]["linear"][phase]["test"]["rmse"] = 2.1
    assert context_of(near)["linear"]["state"] == "near"


def test_tuning_verdicts_and_deltas(results):
    ctx = context_of(results)
    ridge, linear, mlp = ctx["reg"]["ridge"], ctx["reg"]["linear"], ctx["clf"]["mlp"]
    assert ridge["verdict"] == "better"
    assert ridge["delta_test"] == pytest.approx(2.0468981970040083 - 6.041530009237632)
    assert linear["verdict"] == "same" and linear["tuned"]["best_is_default"]
    assert mlp["verdict"] == "better"
    assert mlp["delta_test"] == pytest.approx(0.952 - 0.946)
    assert ctx["tuning_summary"]["same"] == ["Linjär regression"]
    assert ctx["tuning_summary"]["worse"] == []
    assert ctx["tuning_summary"]["largest_regression_gain"]["key"] == "ridge"


def test_tuning_that_hurts_flips_the_verdict(results):
    results["models"]["mlp"]["tuned"]["test"]["accuracy"] = 0.90
    results["models"]["lasso"]["tuned"]["test"]["rmse"] = 3.5
    ctx = context_of(results)
    assert ctx["clf"]["mlp"]["verdict"] == "worse"
    assert ctx["clf"]["mlp"]["delta_test"] == pytest.approx(0.90 - 0.946)
    assert ctx["reg"]["lasso"]["verdict"] == "worse"
    assert ctx["tuning_summary"]["worse"] == ["Lasso", "MLPClassifier"]


def test_warnings_grids_and_split(results):
    assert context_of(results)["warnings"] == []  # every fit converged on the sample
    results["warnings"] = [
        {
            "model": "logreg",
            "phase": "default",
            "category": "ConvergenceWarning",
            "message": "lbfgs failed to converge after 100 iteration(s) (status=1):",
            "count": 1,
        }
    ]
    ctx = context_of(results)
    assert [w["model_name"] for w in ctx["warnings"]] == ["Logistisk regression"]
    assert ctx["warned_models"] == ["logistisk regression"]
    assert len(ctx["convergence_warnings"]) == 1
    assert ctx["reg"]["elasticnet"]["grid"]["n_candidates"] == 9
    assert ctx["clf"]["mlp"]["grid"]["params"][0] == {
        "name": "hidden_layer_sizes",
        "values": [[100], [256]],
    }
    assert (
        ctx["tuning"]["by_validation"]
        and ctx["tuning"]["total_candidates"] == 2 + 3 + 4 + 9 + 6 + 8
    )
    assert ctx["tuning"]["total_fits"] == 2 + 3 + 4 + 9 + 6 + 8
    assert ctx["tuning"]["halving"] == [] and ctx["tuning"]["halving_names"] == []
    split = ctx["data"]["split"]
    assert split["sizes"] == {"train": 4000, "validation": 500, "test": 500}
    assert split["fractions"]["test"] == pytest.approx(0.1)
    results["warnings"] = []
    assert context_of(results)["warnings"] == []


def test_halving_rounds_and_fits(results, as_halving):
    ctx = context_of(as_halving(results))
    assert ctx["tuning"]["total_fits"] == 2 + 3 + 4 + 9 + 6 + (8 + 3)
    assert ctx["tuning"]["halving_names"] == ["MLPClassifier"]
    assert [r["share_text"] for r in ctx["tuning"]["halving"][0]["rounds"]] == [
        "en tredjedel",
        "hela",
    ]


def test_confusion_facts_and_data(results):
    ctx = context_of(results)
    mlp = ctx["clf"]["mlp"]
    assert mlp["confusion"]["total"] == 500
    assert mlp["confusion"]["correct"] == 476
    assert mlp["worst_class"]["digit"] == 3
    assert ctx["data"]["is_sample"] and not ctx["data"]["is_full_mnist"]
    assert ctx["scaling"]["max_z"] == pytest.approx(822.2791715767811)
    assert ctx["meta"]["date_long"] == "24 november 2026"
    assert ctx["environment"]["scikit-learn"] == "1.9.1"


def test_context_is_pure_data(results):
    before = copy.deepcopy(results)
    ctx = context_of(results)
    assert results == before
    json.dumps(ctx)  # plain JSON-able data: no Jinja2 objects, no markup


def test_scaling_names_the_models_divided_by_255(results):
    scaling = context_of(results)["scaling"]
    assert scaling["divided"] == ["MLPClassifier"] and scaling["network_divided"]
    assert scaling["max_z_train"] == results["scaling"]["max_abs_z"]["train"]
    assert scaling["max_z"] == max(
        results["scaling"]["max_abs_z"][k] for k in ("validation", "test")
    )
    for m in results["models"].values():
        del m["preprocessing"]  # a run from before data.divide_by_255: every model standardised
    del results["config"]["data"]["divide_by_255"]
    old = parse_results(json.dumps(results))
    assert old.config.data.divide_by_255 == []
    scaling = build_context(old)["scaling"]
    assert scaling["divided"] == [] and not scaling["network_divided"]


def test_long_date():
    assert language("sv").date("2026-01-05") == "5 januari 2026"
    assert language("sv").date("not a date") == "not a date"


def test_regressor_photo_finish_is_named(results):
    import copy

    r = copy.deepcopy(results)
    models = r["models"]
    best = min(
        (m for m in models.values() if m["family"] == "regression"),
        key=lambda m: m["tuned"]["test"]["rmse"],
    )
    other = next(m for m in models.values() if m["family"] == "regression" and m is not best)
    other["tuned"]["test"]["rmse"] = best["tuned"]["test"]["rmse"] + 0.002
    race = context_of(r)["regressor_race"]["tuned"]
    other_key = next(k for k, m in models.items() if m is other)
    assert race["close"] and race["runner_up"]["key"] == other_key
    other["tuned"]["test"]["rmse"] = best["tuned"]["test"]["rmse"] + 0.5
    assert not context_of(r)["regressor_race"]["tuned"]["close"]
