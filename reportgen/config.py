"""The build's configuration: defaults, then a TOML file, then flags, validated at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import CLASSIFICATION, DIVIDE_BY_255, MODELS, STANDARD_SCALER, estimator_grid

DEFAULT_CONFIG = "report.toml"
LANGUAGES = ("sv", "en")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")


@dataclass(frozen=True)
class ReportConfig:
    """What the title page says, and where the student's own text lives."""

    title: str = "Machine Learning: MNIST, regression eller klassifikation?"
    author: str = "Namn Efternamnsson"
    course: str = "Kunskapskontroll 2"
    date: str = ""  # YYYY-MM-DD; empty: SOURCE_DATE_EPOCH's date, else an undated report
    self_evaluation: str = ""  # a .md or .txt file; empty: a marked placeholder
    templates_dir: str = ""  # a folder searched before the shipped templates
    lang: str = "sv"  # the report's language: sv | en
    # the PDF's standard: pdf/ua-1 (accessible), or pdf/a-3b (archival, tagged as PDF/UA-1 too)
    pdf_variant: str = "pdf/ua-1"


@dataclass(frozen=True)
class DataConfig:
    """Which digits, how many, and how they are split."""

    dataset: str = "auto"  # auto | sample | openml | idx:DIR
    mnist_dir: str = ""  # the IDX folder for `auto` and `idx` (MNIST_DIR overrides it)
    n_samples: int = 0  # 0: all; otherwise a stratified subset of that size
    seed: int = 42
    split: tuple[float, float, float] = (0.8, 0.1, 0.1)
    # classifiers whose pixels are divided by 255 (range 0-1) instead of standardised
    divide_by_255: tuple[str, ...] = ("mlp",)


@dataclass(frozen=True)
class TuningConfig:
    """How GridSearchCV tunes each model."""

    cv: int = 0  # 0: the validation split is the single fold; k >= 2: k-fold CV on train
    n_jobs: int = -1  # candidates fitted at once, in threads (-1: one per core)
    # models searched by successive halving (HalvingGridSearchCV) instead of the full grid; none
    # by default: on full MNIST it saved nothing for the MLP on pixels / 255 (README)
    halving: tuple[str, ...] = ()
    # models whose candidates race over epochs (successive halving that continues survivors
    # where they stopped, analysis/racing.py); only models trained epoch by epoch (the MLP),
    # only with cv = 0 (else the full grid is searched, and the console says so). On full MNIST
    # the MLP's search went from 171 s to 108 s with the same winner (README). A model also
    # in `halving` is searched by halving
    epoch_halving: tuple[str, ...] = ("mlp",)
    # BLAS threads of every fit, set explicitly in every path (a build, verify --jobs, a Dask
    # worker): the thread count changes the last digits of a float (Ridge's RMSE), so it is
    # part of the cache key and of results.json
    blas_threads: int = 1
    # where a search's candidates run: threads of this process, or a Dask cluster (joblib's
    # Dask backend; needs a running dask.distributed Client, see `reportgen build --scheduler`)
    backend: str = "threads"


@dataclass(frozen=True)
class Config:
    """The whole build: report metadata, data, tuning and the grid of every model."""

    report: ReportConfig = field(default_factory=ReportConfig)
    data: DataConfig = field(default_factory=DataConfig)
    tuning: TuningConfig = field(default_factory=TuningConfig)
    grids: dict[str, dict[str, list[Any]]] = field(
        default_factory=lambda: {k: dict(m.grid) for k, m in MODELS.items()}
    )

    def report_date(self) -> str:
        """The report's date: the config's, else SOURCE_DATE_EPOCH's, else "" (undated).

        Never the clock: two builds of the same inputs on different days give the same bytes.
        """
        if self.report.date:
            return self.report.date
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
        return ""

    def to_dict(self) -> dict[str, Any]:
        """The config as plain JSON-ready data: tuples as lists."""
        return _as_lists(dataclasses.asdict(self))

    def to_record(self) -> dict[str, Any]:
        """The config as results.json records it: every local path cut to its last name.

        results.json travels inside the report PDF; a student's folders (often their name)
        stay on their machine, and the same config in another folder gives the same bytes.
        """
        record = self.to_dict()
        report, data = record["report"], record["data"]
        for key in ("self_evaluation", "templates_dir"):
            report[key] = _last_name(report[key])
        data["mnist_dir"] = _last_name(data["mnist_dir"])
        if data["dataset"].startswith("idx:"):
            data["dataset"] = "idx:" + _last_name(data["dataset"][4:])
        return record


def _last_name(path: str) -> str:
    """'/home/anna/mnist-data/' -> 'mnist-data'; '' stays ''."""
    return Path(path).name if path else ""


def _as_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(v) for v in value]
    return value


SECTIONS = {"report": ReportConfig, "data": DataConfig, "tuning": TuningConfig}


def _closest(word: str, options: list[str]) -> str:
    match = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{match[0]}'?)" if match else f" (known: {', '.join(options)})"


def _check_type(where: str, value: Any, default: Any, problems: list[str]) -> Any:
    expected = type(default).__name__
    if isinstance(default, bool) or isinstance(value, bool):
        ok = type(value) is type(default)
    elif isinstance(default, float):
        ok = isinstance(value, int | float)
    elif isinstance(default, tuple) and all(isinstance(v, str) for v in default):
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
        expected = "a list of names"
    elif isinstance(default, tuple):
        ok = isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        value = tuple(float(v) for v in value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        problems.append(f"{where} must be {expected}, got {value!r}")
        return default  # keep validating the rest against a sane value
    return value


def _merge_section(name: str, table: Any, base: Any, problems: list[str]) -> Any:
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table, got {table!r}")
        return base
    fields = {f.name for f in dataclasses.fields(base)}
    values = {}
    for key, value in table.items():
        if key not in fields:
            problems.append(f"unknown key {name}.{key}{_closest(key, sorted(fields))}")
            continue
        values[key] = _check_type(f"{name}.{key}", value, getattr(base, key), problems)
    return dataclasses.replace(base, **values)


def _merge_grids(table: Any, base: dict, problems: list[str]) -> dict:
    grids = {k: dict(v) for k, v in base.items()}
    if not isinstance(table, dict):
        problems.append(f"[grids] must be a table, got {table!r}")
        return grids
    for model, grid in table.items():
        if model not in MODELS:
            problems.append(f"unknown model grids.{model}{_closest(model, sorted(MODELS))}")
            continue
        if not isinstance(grid, dict):
            problems.append(f"grids.{model} must be a table of lists")
            continue
        for key, values in grid.items():
            if not isinstance(values, list):
                problems.append(f"grids.{model}.{key} must be a list, got {values!r}")
            else:
                grids[model][key] = values
    return grids


def _validate(cfg: Config, problems: list[str]) -> None:
    d, t = cfg.data, cfg.tuning
    if d.dataset not in ("auto", "sample", "openml") and not d.dataset.startswith("idx:"):
        problems.append(f"data.dataset must be auto, sample, openml or idx:DIR, got {d.dataset!r}")
    if d.n_samples < 0:
        problems.append(f"data.n_samples must be 0 (all) or positive, got {d.n_samples}")
    if len(d.split) != 3 or any(not 0 < s < 1 for s in d.split) or abs(sum(d.split) - 1) > 1e-9:
        problems.append(f"data.split must be three fractions in (0, 1) summing to 1, got {d.split}")
    if t.cv == 1 or t.cv < 0:
        problems.append(f"tuning.cv must be 0 (validation split) or at least 2, got {t.cv}")
    if t.n_jobs == 0 or t.n_jobs < -1:
        problems.append(f"tuning.n_jobs must be -1 or positive, got {t.n_jobs}")
    if t.blas_threads < 1:
        problems.append(f"tuning.blas_threads must be 1 or more, got {t.blas_threads}")
    if t.backend not in ("threads", "dask"):
        problems.append(f"tuning.backend must be threads or dask, got {t.backend!r}")
    for where, keys in (
        ("data.divide_by_255", d.divide_by_255),
        ("tuning.halving", t.halving),
        ("tuning.epoch_halving", t.epoch_halving),
    ):
        for key in keys:
            if key not in MODELS:
                problems.append(f"{where}: unknown model '{key}'{_closest(key, sorted(MODELS))}")
    resumable = [k for k, m in MODELS.items() if m.resumable]
    for key in t.epoch_halving:
        if key in MODELS and not MODELS[key].resumable:
            problems.append(
                f"tuning.epoch_halving: '{key}' is not trained epoch by epoch, list only "
                f"{', '.join(resumable)} (or use tuning.halving)"
            )
    classifiers = [k for k, m in MODELS.items() if m.family == CLASSIFICATION]
    for key in d.divide_by_255:
        if key in MODELS and MODELS[key].family != CLASSIFICATION:
            problems.append(
                f"data.divide_by_255: '{key}' is a regression model, list only classifiers "
                f"({', '.join(classifiers)}): the report's regression rests on standardised pixels"
            )
    if cfg.report.date:
        try:
            dt.date.fromisoformat(cfg.report.date)
        except ValueError:
            problems.append(f"report.date must be YYYY-MM-DD, got {cfg.report.date!r}")
    r = cfg.report
    if r.lang not in LANGUAGES:
        problems.append(f"report.lang must be {' or '.join(LANGUAGES)}, got {r.lang!r}")
    if r.pdf_variant not in PDF_VARIANTS:
        problems.append(
            f"report.pdf_variant must be {' or '.join(PDF_VARIANTS)}, got {r.pdf_variant!r}"
        )
    if r.self_evaluation and not Path(r.self_evaluation).is_file():
        problems.append(
            f"report.self_evaluation {r.self_evaluation} is not a file: fix the path "
            "(relative to the config) or leave it empty"
        )
    if r.templates_dir and not Path(r.templates_dir).is_dir():
        problems.append(f"report.templates_dir {r.templates_dir} is not a folder: fix the path")
    for model, grid in cfg.grids.items():
        # the built-in grids are valid (a test checks them): a config that keeps them imports
        # no scikit-learn here, and a warm rebuild none at all. Every grid is checked again
        # just before its model is fitted (check_grid).
        if grid != dict(MODELS[model].grid):
            _validate_grid(model, grid, problems)


def _validate_grid(model: str, grid: dict[str, list[Any]], problems: list[str]) -> None:
    spec = MODELS[model]
    estimator = spec.build(0)
    known = sorted(estimator.get_params())
    for key, values in grid.items():
        where = f"grids.{model}.{key}"
        if key not in known:
            problems.append(f"{where}: {spec.name} has no parameter '{key}'{_closest(key, known)}")
        elif not values:
            problems.append(f"{where} is empty: give at least one value")
        else:
            for value in estimator_grid({key: values})[key]:
                try:
                    spec.build(0, **{key: value})._validate_params()
                except Exception as exc:  # sklearn's InvalidParameterError, TypeError, ...
                    problems.append(f"{where}: {str(exc).splitlines()[0]}")


# A submission's grids are rebuilt on the instructor's machine: no more candidates than this
# per model (the built-in grids have at most 9).
MAX_CANDIDATES = 100


def config_from_record(record: dict[str, Any], dataset: str) -> Config:
    """The Config a results.json records (its "config", as a dict), to rebuild the analysis on
    `dataset`. A submission comes from outside: no grid may be larger than MAX_CANDIDATES, and
    each grid is checked against scikit-learn's constraints before its model is fitted
    (check_grid)."""
    report = {k: v for k, v in record["report"].items() if k in _names(ReportConfig)}
    report.update(self_evaluation="", templates_dir="")  # the text is in results.json
    data = dict(record["data"], dataset=dataset, mnist_dir="")
    data["split"] = tuple(data["split"])
    data["divide_by_255"] = tuple(data.get("divide_by_255", ()))
    tuning = dict(record["tuning"], halving=tuple(record["tuning"]["halving"]))
    tuning["epoch_halving"] = tuple(tuning.get("epoch_halving") or ())  # none before schema 4
    tuning.setdefault("blas_threads", 1)  # runs before the key: read as one thread (the default)
    cfg = Config(
        report=ReportConfig(**report),
        data=DataConfig(**data),
        tuning=TuningConfig(**tuning),
        grids={k: dict(v) for k, v in record["grids"].items()},
    )
    problems: list[str] = []
    for model, grid in cfg.grids.items():
        size = 1
        for values in grid.values():
            size *= len(values)
        if size > MAX_CANDIDATES:
            problems.append(f"grids.{model} has {size} candidates, more than {MAX_CANDIDATES}")
    if problems:
        raise ConfigError(problems)
    return cfg


def check_grid(cfg: Config, model: str) -> None:
    """One model's grid against scikit-learn's constraints, before that model is fitted.

    load_config checks every grid at once; a config read from results.json (a submission) is
    checked here, model by model, so a fully cached rebuild never imports scikit-learn."""
    problems: list[str] = []
    _validate_grid(model, cfg.grids[model], problems)
    if problems:
        raise ConfigError(problems)


def _names(section: type) -> set[str]:
    return {f.name for f in dataclasses.fields(section)}


# The title page's placeholders in each language, used when the config sets none of its own.
PLACEHOLDERS = {
    "en": {
        "title": "Machine Learning: MNIST, regression or classification?",
        "author": "First Lastname",
        "course": "Knowledge check 2",
    },
}


def _language_defaults(cfg: Config, table: Any, overrides: dict[str, Any]) -> Config:
    """The title page's built-in words in the report's language, where the config gave none."""
    words = PLACEHOLDERS.get(cfg.report.lang)
    if not words or not isinstance(table, dict):
        return cfg
    given = set(table) | {k.split(".")[1] for k, v in overrides.items() if v is not None}
    unset = {k: v for k, v in words.items() if k not in given}
    return dataclasses.replace(cfg, report=dataclasses.replace(cfg.report, **unset))


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then the TOML file (if any), then `overrides` ('section.key' -> value, None skips).

    Raises ConfigError listing every problem found, before any work starts.
    """
    problems: list[str] = []
    cfg = Config()
    raw: dict[str, Any] = {}
    if path is not None:
        p = Path(path)
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"config file {p} not found: pass --config FILE"]) from None
        except OSError as exc:
            raise ConfigError([f"cannot read config file {p} ({exc.strerror})"]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError([f"{p} is not valid TOML: {exc}: fix it there"]) from None
        base_dir = p.resolve().parent
    else:
        base_dir = Path.cwd()
    for name, table in raw.items():
        if name in SECTIONS:
            cfg = dataclasses.replace(
                cfg, **{name: _merge_section(name, table, getattr(cfg, name), problems)}
            )
        elif name == "grids":
            cfg = dataclasses.replace(cfg, grids=_merge_grids(table, cfg.grids, problems))
        else:
            problems.append(f"unknown section [{name}]{_closest(name, [*SECTIONS, 'grids'])}")
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        section, key = dotted.split(".")
        cfg = dataclasses.replace(
            cfg, **{section: _merge_section(section, {key: value}, getattr(cfg, section), problems)}
        )
    cfg = _language_defaults(cfg, raw.get("report", {}), overrides or {})
    if cfg.report.self_evaluation and not Path(cfg.report.self_evaluation).is_absolute():
        resolved = str(base_dir / cfg.report.self_evaluation)
        cfg = dataclasses.replace(
            cfg, report=dataclasses.replace(cfg.report, self_evaluation=resolved)
        )
    _validate(cfg, problems)
    if problems:
        raise ConfigError(problems)
    return cfg


def preprocessing_of(key: str, cfg: Config) -> str:
    """How a model's pixels are scaled: standardised, or divided by 255 (data.divide_by_255)."""
    return DIVIDE_BY_255 if key in cfg.data.divide_by_255 else STANDARD_SCALER
