"""Config: defaults, the shipped report.toml, overrides, and validation that lists every problem."""

from __future__ import annotations

import pytest

from reportgen.config import Config, load_config
from reportgen.errors import ConfigError
from reportgen.models import MODELS


def write(tmp_path, text: str):
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_report_toml_is_valid(root):
    cfg = load_config(root / "report.toml")
    assert cfg.data.split == (0.8, 0.1, 0.1)
    assert set(cfg.grids) == set(MODELS)
    assert cfg.report_date() == cfg.report.date


def test_flags_override_file_and_none_never_clobbers(tmp_path):
    path = write(tmp_path, '[report]\ndate = "2025-01-01"\n[data]\nseed = 7\nn_samples = 900\n')
    cfg = load_config(path, {"data.seed": 3, "data.n_samples": None})
    assert cfg.data.seed == 3 and cfg.data.n_samples == 900


def test_grid_overrides_key_by_key(tmp_path):
    path = write(tmp_path, '[report]\ndate="2025-01-01"\n[grids.elasticnet]\nl1_ratio = [0.5]\n')
    cfg = load_config(path)
    assert cfg.grids["elasticnet"]["l1_ratio"] == [0.5]
    assert cfg.grids["elasticnet"]["alpha"] == MODELS["elasticnet"].grid["alpha"]


BAD = {
    "unknown key": ("[data]\nsed = 1\n", "unknown key data.sed (did you mean 'seed'?)"),
    "unknown section": (
        "[tunning]\ncv = 3\n",
        "unknown section [tunning] (did you mean 'tuning'?)",
    ),
    "wrong type": ('[data]\nseed = "42"\n', "data.seed must be int"),
    "empty grid": ("[grids.ridge]\nalpha = []\n", "grids.ridge.alpha is empty"),
    "unknown model": ("[grids.svm]\nC = [1]\n", "unknown model grids.svm"),
    "negative alpha": ("[grids.lasso]\nalpha = [-1]\n", "'alpha' parameter of Lasso"),
    "bad activation": ('[grids.mlp]\nactivation = ["sigmoid"]\n', "Got 'sigmoid'"),
    "unknown hyperparameter": ("[grids.ridge]\nalpah = [1.0]\n", "did you mean 'alpha'"),
    "bad split": ("[data]\nsplit = [0.5, 0.1, 0.1]\n", "data.split"),
    "bad cv": ("[tuning]\ncv = 1\n", "tuning.cv"),
    "bad date": ('[report]\ndate = "24 nov"\n', "report.date must be YYYY-MM-DD"),
    "bad dataset": ('[data]\ndataset = "mnist"\n', "data.dataset must be"),
    "halving of an unknown model": (
        '[tuning]\nhalving = ["mpl"]\n',
        "tuning.halving: unknown model 'mpl' (did you mean 'mlp'?)",
    ),
    "divide_by_255 of an unknown model": (
        '[data]\ndivide_by_255 = ["mlp", "rigde"]\n',
        "data.divide_by_255: unknown model 'rigde' (did you mean 'ridge'?)",
    ),
    "divide_by_255 of a regression model": (
        '[data]\ndivide_by_255 = ["ridge"]\n',
        "data.divide_by_255: 'ridge' is a regression model, list only classifiers (logreg, mlp)",
    ),
    "epoch halving of a model not trained by epochs": (
        '[tuning]\nepoch_halving = ["logreg"]\n',
        "tuning.epoch_halving: 'logreg' is not trained epoch by epoch, list only mlp",
    ),
    "halving not a list": ('[tuning]\nhalving = "mlp"\n', "tuning.halving must be a list of names"),
}


@pytest.mark.parametrize("case", BAD)
def test_invalid_configs_name_the_problem(tmp_path, case):
    text, message = BAD[case]
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_every_problem_is_listed_at_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    text = (
        '[data]\nsed = 1\nseed = "x"\nn_samples = "all"\n'
        "[grids.lasso]\nalpha = [-1]\n[grids.svm]\nC = [1]\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert len(info.value.problems) == 5  # an empty report.date is allowed: undated
    assert "5 problems" in str(info.value)


def test_unreadable_toml(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[data\nseed = 1"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_date_comes_from_source_date_epoch_never_the_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert Config().report_date() == "1970-01-02"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert Config().report_date() == ""  # undated: never the clock
    assert load_config(None).report_date() == ""


def test_self_evaluation_path_is_relative_to_the_config(tmp_path):
    (tmp_path / "s.md").write_text("Egen text.\n")
    cfg = load_config(write(tmp_path, '[report]\ndate="2025-01-01"\nself_evaluation = "s.md"\n'))
    assert cfg.report.self_evaluation == str(tmp_path / "s.md")


def test_divide_by_255_list_from_the_file(tmp_path):
    date = '[report]\ndate = "2026-01-15"\n'
    assert load_config(write(tmp_path, date)).data.divide_by_255 == ("mlp",)
    cfg = load_config(write(tmp_path, date + "[data]\ndivide_by_255 = []\n"))
    assert cfg.data.divide_by_255 == ()


def test_halving_list_from_the_file(tmp_path):
    date = '[report]\ndate = "2026-01-15"\n'
    assert load_config(write(tmp_path, date)).tuning.halving == ()
    cfg = load_config(write(tmp_path, date + '[tuning]\nhalving = ["logreg", "mlp"]\n'))
    assert cfg.tuning.halving == ("logreg", "mlp")
    assert load_config(write(tmp_path, date + "[tuning]\nhalving = []\n")).tuning.halving == ()


def test_the_built_in_grids_are_valid_for_scikit_learn():
    """load_config trusts them without importing scikit-learn (a warm rebuild imports none)."""
    from reportgen.config import _validate_grid
    from reportgen.models import MODELS

    for key, spec in MODELS.items():
        problems: list[str] = []
        _validate_grid(key, dict(spec.grid), problems)
        assert problems == [], key
