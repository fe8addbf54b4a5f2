"""Config: defaults, the shipped report.toml, overrides, and validation that lists every problem."""

from __future__ import annotations

import dataclasses
from typing import get_args

import pytest
from pydantic import ValidationError

from reportgen.config import (
    LANGUAGES,
    PDF_VARIANTS,
    PLACEHOLDERS,
    SECTIONS,
    Config,
    DataConfig,
    Language,
    PdfVariant,
    config_from_record,
    load_config,
    option_doc,
)
from reportgen.errors import ConfigError
from reportgen.models import MODELS
from reportgen.results import parse_results


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
    "wrong type": ('[data]\nseed = "42"\n', "data.seed must be an integer, got '42'"),
    "a number that is not whole": ("[data]\nseed = 1.5\n", "data.seed must be an integer, got 1.5"),
    "a bool for a number": ("[tuning]\ncv = true\n", "tuning.cv must be 0 (validation split)"),
    "text not in quotes": ("[report]\ntitle = 3\n", "report.title must be text (in quotes), got 3"),
    "a TOML date": ("[report]\ndate = 2026-01-15\n", 'must be text in quotes: date = "2026-01-15"'),
    "bad language": ('[report]\nlang = "de"\n', "report.lang must be sv or en, got 'de'"),
    "bad pdf variant": (
        '[report]\npdf_variant = "pdf/a-1"\n',
        "report.pdf_variant must be pdf/ua-1 or pdf/a-3b, got 'pdf/a-1'",
    ),
    "bad backend": ('[tuning]\nbackend = "mpi"\n', "tuning.backend must be threads or dask"),
    "bad n_jobs": ("[tuning]\nn_jobs = 0\n", "tuning.n_jobs must be -1 or positive, got 0"),
    "bad blas_threads": ("[tuning]\nblas_threads = 0\n", "tuning.blas_threads must be a whole"),
    "negative n_samples": (
        "[data]\nn_samples = -1\n",
        "data.n_samples must be 0 (all) or positive",
    ),
    "section not a table": ("data = 3\n", "[data] must be a table, got 3"),
    "grid not a table": ("[grids]\nridge = 3\n", "grids.ridge must be a table of lists"),
    "grid values not a list": ("[grids.ridge]\nalpha = 1.0\n", "grids.ridge.alpha must be a list"),
    "a hyperparameter value": (
        "[grids.mlp]\nhidden_layer_sizes = [[0]]\n",
        "grids.mlp.hidden_layer_sizes must be a hyperparameter value",
    ),
    "missing self-evaluation": (
        '[report]\nself_evaluation = "nope.md"\n',
        "report.self_evaluation",
    ),
    "missing templates folder": (
        '[report]\ntemplates_dir = "/nowhere"\n',
        "report.templates_dir /nowhere is not a folder: fix the path",
    ),
    "empty grid": ("[grids.ridge]\nalpha = []\n", "grids.ridge.alpha is empty"),
    "unknown model": ("[grids.svm]\nC = [1]\n", "unknown model grids.svm"),
    "negative alpha": ("[grids.lasso]\nalpha = [-1]\n", "'alpha' parameter of Lasso"),
    "bad activation": ('[grids.mlp]\nactivation = ["sigmoid"]\n', "Got 'sigmoid'"),
    "unknown hyperparameter": ("[grids.ridge]\nalpah = [1.0]\n", "did you mean 'alpha'"),
    "bad split": (
        "[data]\nsplit = [0.5, 0.1, 0.1]\n",
        "data.split must be three fractions in (0, 1) summing to 1, got [0.5, 0.1, 0.1]",
    ),
    "bad cv": ("[tuning]\ncv = 1\n", "tuning.cv must be 0 (validation split) or at least 2, got 1"),
    "bad date": ('[report]\ndate = "24 nov"\n', "report.date must be YYYY-MM-DD"),
    "bad dataset": (
        '[data]\ndataset = "mnist"\n',
        "data.dataset must be auto, sample, openml or idx:DIR, got 'mnist'",
    ),
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
    assert len(info.value.problems) == 1, info.value.problems  # one line per problem, once


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


def test_flags_are_checked_as_the_file_is(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(None, {"tuning.cv": 1, "report.lang": "de", "data.seed": None})
    assert info.value.problems == [
        "report.lang must be sv or en, got 'de'",
        "tuning.cv must be 0 (validation split) or at least 2, got 1",
    ]


def test_english_placeholders_unless_the_file_or_a_flag_names_them(tmp_path):
    cfg = load_config(write(tmp_path, '[report]\nlang = "en"\nauthor = "Anna"\n'))
    assert (cfg.report.title, cfg.report.author) == (PLACEHOLDERS["en"]["title"], "Anna")
    cfg = load_config(None, {"report.lang": "en", "report.author": None})
    assert cfg.report.author == PLACEHOLDERS["en"]["author"]


def test_the_config_is_frozen_closed_and_checked_however_it_is_made():
    cfg = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.data.seed = 7  # type: ignore[misc]
    with pytest.raises(ValidationError):
        DataConfig(sed=7)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        dataclasses.replace(cfg.tuning, cv=1)
    with pytest.raises(ValidationError):
        dataclasses.replace(cfg.report, lang="de")
    tuned = dataclasses.replace(cfg.tuning, halving=["mlp"])
    assert tuned.halving == ("mlp",) and cfg.tuning.halving == ()


def test_every_option_has_a_doc_and_a_valid_default():
    for name, section in SECTIONS.items():
        for option in dataclasses.fields(section):
            assert option_doc(section, option.name), f"{name}.{option.name}"
    defaults = Config().to_dict()
    assert load_config(None).to_dict() == defaults


def test_languages_and_pdf_variants_are_declared_once():
    from reportgen.report.language import LANGUAGES as LANGUAGE_LAYER
    from reportgen.report.pdf import VARIANTS
    from reportgen.results import ReportSettings

    assert tuple(LANGUAGE_LAYER) == LANGUAGES == get_args(Language)
    assert tuple(VARIANTS) == PDF_VARIANTS == get_args(PdfVariant)
    fields = ReportSettings.model_fields
    assert get_args(fields["lang"].annotation)[0] == Language
    assert get_args(fields["pdf_variant"].annotation)[0] == PdfVariant


@pytest.mark.parametrize("name", ["results_small.json", "results_fast.json", "results_v1.json"])
def test_a_recorded_config_rebuilds_the_config_it_records(fixture_path, name):
    results = parse_results((fixture_path.parent / name).read_text(encoding="utf-8"))
    record = results.config.model_dump(mode="json")
    cfg = config_from_record(record, "sample")
    rebuilt = cfg.to_record()
    for section in ("data", "tuning", "grids"):
        recorded = {k: v for k, v in record[section].items() if v is not None}
        assert {k: rebuilt[section][k] for k in recorded} == recorded
    if results.schema_version < 4:  # before the race over epochs: nothing raced
        assert cfg.tuning.epoch_halving == ()
    if results.schema_version < 3:  # before the English edition
        assert cfg.report.lang == "sv"


def test_a_recorded_grid_larger_than_the_limit_is_refused(results):
    record = results.config.model_dump(mode="json")
    record["grids"]["ridge"] = {"alpha": list(range(1, 102))}
    with pytest.raises(ConfigError, match="grids.ridge has 101 candidates, more than 100"):
        config_from_record(record, "sample")
