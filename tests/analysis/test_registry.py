"""The registry of search strategies: which strategy searches each model under each config, why
it falls back to the full grid, what the cache key and the report read from it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from reportgen.analysis.search import STRATEGIES, strategy_for, strategy_named
from reportgen.analysis.search.race import FINALISTS
from reportgen.analysis.search.sharing import key_material, plan
from reportgen.models import MODELS

MLP_GRID = {"hidden_layer_sizes": [[8], [16]], "alpha": [1e-4, 1.0], "max_iter": [20]}


def _replace(obj, **changes):
    """A copy with these attributes changed (a dataclass, or a pydantic model)."""
    if hasattr(obj, "model_copy"):
        return obj.model_copy(update=changes)
    return dataclasses.replace(obj, **changes)


def _config(cfg, grids=None, **tuning):
    grids = {**cfg.grids, **(grids or {})}
    return _replace(cfg, tuning=_replace(cfg.tuning, **tuning), grids=grids)


# (config changes, {model: (asked, runs)}) for every registered model
NOT_MLP = {k: ("grid", "grid") for k in MODELS if k != "mlp"}
CASES = {
    "report.toml's own: the MLP races": (
        {"halving": (), "epoch_halving": ("mlp",)},
        {**NOT_MLP, "mlp": ("epoch_halving", "epoch_halving")},
    ),
    "3 folds: the race falls back": (
        {"halving": (), "epoch_halving": ("mlp",), "cv": 3},
        {**NOT_MLP, "mlp": ("epoch_halving", "grid")},
    ),
    "no race": ({"halving": (), "epoch_halving": ()}, {k: ("grid", "grid") for k in MODELS}),
    "halving wins over the race": (
        {"halving": tuple(MODELS), "epoch_halving": ("mlp",)},
        {k: ("halving", "halving") for k in MODELS},
    ),
    "halving on k folds": (
        {"halving": ("logreg",), "epoch_halving": (), "cv": 3},
        {**{k: ("grid", "grid") for k in MODELS}, "logreg": ("halving", "halving")},
    ),
}


@pytest.mark.parametrize("changes, expected", CASES.values(), ids=CASES.keys())
def test_every_models_strategy_under_each_config(fast_config, changes, expected):
    cfg = _config(fast_config, grids={"mlp": MLP_GRID}, **changes)
    seen = {}
    for key, spec in MODELS.items():
        choice = strategy_for(spec, cfg)
        seen[key] = (choice.asked.name, choice.strategy.name)
        assert bool(choice.reason) == (choice.asked is not choice.strategy)
    assert seen == expected


@pytest.mark.parametrize(
    "grid, cv, reason, said",
    [
        (MLP_GRID, 3, "epoch halving needs tuning.cv = 0: the full grid instead", True),
        (
            {**MLP_GRID, "solver": ["adam", "lbfgs"]},
            0,
            "a candidate cannot resume (solver, early_stopping): full grid",
            True,
        ),
        (
            {**MLP_GRID, "early_stopping": [True]},
            0,
            "a candidate cannot resume (solver, early_stopping): full grid",
            True,
        ),
        # every candidate would be a finalist: the race would be the grid, nothing to say
        ({"hidden_layer_sizes": [[8], [16]], "max_iter": [20]}, 0, "every candidate", False),
    ],
    ids=["k folds", "a solver that cannot resume", "early stopping", "two candidates"],
)
def test_each_fallback_of_the_race_and_its_reason(fast_config, grid, cv, reason, said):
    cfg = _config(fast_config, grids={"mlp": grid}, epoch_halving=("mlp",), halving=(), cv=cv)
    choice = strategy_for(MODELS["mlp"], cfg)
    assert (choice.asked.name, choice.strategy.name) == ("epoch_halving", "grid")
    assert choice.reason.startswith(reason)
    lines: list[str] = []
    choice.tell(lambda m, transient=False: lines.append(m))
    assert lines == ([f"  {'MLPClassifier':<21} {choice.reason}"] if said else [])


def test_a_race_of_more_candidates_than_finalists_runs_and_says_nothing(fast_config):
    cfg = _config(fast_config, grids={"mlp": MLP_GRID}, epoch_halving=("mlp",), halving=())
    assert len(MLP_GRID["hidden_layer_sizes"]) * len(MLP_GRID["alpha"]) > FINALISTS
    choice = strategy_for(MODELS["mlp"], cfg)
    lines: list[str] = []
    choice.tell(lambda m, transient=False: lines.append(m))
    assert choice.strategy.name == "epoch_halving" and choice.reason == "" and lines == []


def test_the_grid_and_halving_never_fall_back(fast_config):
    for halving in ((), tuple(MODELS)):
        for cv in (0, 3):
            cfg = _config(fast_config, halving=halving, epoch_halving=(), cv=cv)
            for spec in MODELS.values():
                assert strategy_for(spec, cfg).fallback is None


def test_the_cache_key_holds_the_strategy_asked_for_and_the_sharing(fast_config):
    """The material of earlier versions, to the key: halving always, the race only when asked
    (whether it then falls back or not), a Gram matrix only where one is shared."""
    race = _config(fast_config, epoch_halving=("mlp",), halving=())
    for cv in (0, 3):
        cfg = _config(race, cv=cv)
        assert strategy_for(MODELS["mlp"], cfg).asked.key_material == {
            "halving": False,
            "epoch_halving": True,
        }
        assert strategy_for(MODELS["ridge"], cfg).asked.key_material == {"halving": False}
    halving = _config(fast_config, halving=("mlp",))
    assert strategy_for(MODELS["mlp"], halving).asked.key_material == {"halving": True}
    shared = {k: key_material(spec) for k, spec in MODELS.items()}
    assert shared == {k: ({"gram": True} if k in ("lasso", "elasticnet") else {}) for k in MODELS}


def test_each_model_declares_only_planners_that_exist():
    points = [{"max_iter": 5}, {"max_iter": 9}]
    for spec in MODELS.values():
        groups = plan(spec, points, 42)
        assert sorted(i for g in groups for i in g.members) == [0, 1]
    assert {name for spec in MODELS.values() for name in spec.sharing} == {"gram", "lbfgs_path"}


def test_the_report_asks_the_stored_names():
    """results.json stores the strategy's name; the report asks the registry what it means."""
    assert set(STRATEGIES) == {"grid", "halving", "epoch_halving"}
    assert {n: strategy_named(n).rounds for n in STRATEGIES} == {
        "grid": None,
        "halving": "data",
        "epoch_halving": "epochs",
    }
    with pytest.raises(KeyError):
        strategy_named("random")


def test_asking_the_registry_imports_no_scikit_learn(fast_config):
    """A cached build asks for the cache key, a render for the stored name: neither fits."""
    check = (
        "import sys; from reportgen.config import Config; from reportgen.models import MODELS; "
        "from reportgen.analysis.search.registry import strategy_for, strategy_named; "
        "[strategy_for(s, Config()).asked.key_material for s in MODELS.values()]; "
        "strategy_named('epoch_halving').rounds; "
        "print(sorted(m for m in sys.modules if m.startswith(('sklearn', 'joblib'))))"
    )
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
