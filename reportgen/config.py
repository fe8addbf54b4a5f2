"""The build's configuration, each option declared once: its type, default, check and doc.

Defaults, then a TOML file, then flags (a flag left at None never clobbers the file), validated
by pydantic in one pass: every problem is one line naming the key and what it must be, all at
once, before any work starts. results.json's config record is generated from these classes
(results.py), and `reportgen init` writes its starter file from them (starter.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from .errors import ConfigError
from .models import CLASSIFICATION, DIVIDE_BY_255, MODELS, STANDARD_SCALER, estimator_grid
from .numbers import LOCALES
from .sections import MAX_SECTION_BYTES, PLACES, SECTION_KEYS, SUFFIXES, section_problems
from .values import HyperValue, Positive, problem, whole

DEFAULT_CONFIG = "report.toml"

# The report's languages, each with the Babel locale of its words, numbers and dates, are
# declared once in numbers.py (the ground): report.lang's type and results.json's schema read them.
LANGUAGES = tuple(LOCALES)
# The PDF standards a report can follow: pdf/ua-1 (accessible), or pdf/a-3b (archival, whose
# XMP says PDF/UA-1 too). The names are WeasyPrint's.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
# Where the digits come from, besides idx:DIR (an IDX folder)
DATASETS = ("auto", "sample", "openml")
BACKENDS = ("threads", "dask")

Language = Literal[LANGUAGES]  # type: ignore[valid-type]
PdfVariant = Literal[PDF_VARIANTS]  # type: ignore[valid-type]
Backend = Literal[BACKENDS]  # type: ignore[valid-type]
ModelKey = Literal[tuple(MODELS)]  # type: ignore[valid-type]  # the registry's keys, in order
SectionKey = Literal[SECTION_KEYS]  # type: ignore[valid-type]  # sections.py's, in order


def _choices(options: tuple[str, ...]) -> str:
    """('a', 'b', 'c') -> 'a, b or c'."""
    return ", ".join(options[:-1]) + " or " + options[-1] if len(options) > 1 else options[0]


# ---- the values an option may take ----------------------------------------------------------


def _dataset(value: str) -> str:
    if value not in DATASETS and not value.startswith("idx:"):
        raise problem("value", _choices((*DATASETS, "idx:DIR")))
    return value


def _date(value: str) -> str:
    if value:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise problem("value", "YYYY-MM-DD") from None
    return value


def _split(value: Any) -> Any:
    ok = (
        isinstance(value, list | tuple)
        and len(value) == 3
        and all(isinstance(s, int | float) and not isinstance(s, bool) for s in value)
        and all(0 < s < 1 for s in value)
        and abs(sum(value) - 1) <= 1e-9
    )
    if not ok:
        raise problem("number", "three fractions in (0, 1) summing to 1")
    return value


RESUMABLE = tuple(k for k, m in MODELS.items() if m.resumable)  # trained epoch by epoch
CLASSIFIERS = tuple(k for k, m in MODELS.items() if m.family == CLASSIFICATION)


def _quoted(keys: tuple[str, ...]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def _resumable(key: str) -> str:
    if key not in RESUMABLE:
        raise PydanticCustomError(
            "model",
            "'{key}' is not trained epoch by epoch, list only {keys} (or use tuning.halving)",
            {"key": key, "keys": ", ".join(RESUMABLE)},
        )
    return key


def _classifier(key: str) -> str:
    if key not in CLASSIFIERS:
        raise PydanticCustomError(
            "model",
            "'{key}' is a regression model, list only classifiers ({keys}): the report's "
            "regression rests on standardised pixels",
            {"key": key, "keys": ", ".join(CLASSIFIERS)},
        )
    return key


Text = str
Date = Annotated[str, AfterValidator(_date)]
Dataset = Annotated[str, AfterValidator(_dataset)]
Share = Annotated[float, Field(gt=0, lt=1)]
Split = Annotated[tuple[Share, Share, Share], BeforeValidator(_split)]
Models = tuple[ModelKey, ...]
Classifiers = tuple[Annotated[ModelKey, AfterValidator(_classifier)], ...]
Resumable = tuple[Annotated[ModelKey, AfterValidator(_resumable)], ...]
Samples = whole(0, says="0 (all) or positive")
Seed = whole()
Folds = whole(0, says="0 (validation split) or at least 2", rule=lambda k: k != 1)
Jobs = whole(-1, says="-1 or positive", rule=lambda n: n != 0)
Grid = dict[str, Annotated[list[HyperValue], Field(min_length=1)]]
Grids = dict[ModelKey, Grid]
Sections = dict[SectionKey, Text]


def option(default: Any, doc: str) -> Any:
    """An option's default and the line that explains it (the starter file's comment, the
    description in results.json's JSON Schema)."""
    if callable(default):
        return Field(default_factory=default, description=doc)
    return Field(default=default, description=doc)


# frozen; an unknown key is an error; a number is never read from text (values.py)
section = dataclass(frozen=True, config=ConfigDict(extra="forbid"))


# ---- the options ----------------------------------------------------------------------------


@section
class ReportConfig:
    """What the title page says, and where the student's own text lives."""

    title: Text = option(
        "Machine Learning: MNIST, regression eller klassifikation?", "the report's title"
    )
    author: Text = option("Namn Efternamnsson", "your name, on the title page and in the PDF")
    course: Text = option("Kunskapskontroll 2", "the course, under the title")
    date: Date = option("", "YYYY-MM-DD; empty: SOURCE_DATE_EPOCH, else undated")
    self_evaluation: Text = option(
        "", "your Självutvärdering (Markdown); empty: a marked placeholder"
    )
    sections: Sections = option(
        dict,
        'your own sections in Markdown with live values, e.g. slutsats = "slutsats.md" '
        "(docs/sections.md)",
    )
    templates_dir: Text = option("", "a folder of your own templates, searched first")
    lang: Language = option("sv", f"the report's language: {' | '.join(LANGUAGES)}")
    pdf_variant: PdfVariant = option(
        "pdf/ua-1", "pdf/ua-1 (accessible) | pdf/a-3b (archival, tagged too)"
    )


@section
class DataConfig:
    """Which digits, how many, and how they are split."""

    dataset: Dataset = option(
        "auto",
        f"{' | '.join(DATASETS)} | idx:DIR (auto: MNIST_DIR if set, else the sample)",
    )
    # MNIST_DIR overrides it
    mnist_dir: Text = option("", "the folder of the four MNIST IDX files, for auto and idx")
    n_samples: Samples = option(0, "0 = every digit; N = a stratified subset of N digits")
    seed: Seed = option(42, "seed of the split and of every model")
    split: Split = option((0.8, 0.1, 0.1), "train, validation, test")
    divide_by_255: Classifiers = option(
        ("mlp",), "classifiers whose pixels are divided by 255; the rest standardised"
    )


@section
class TuningConfig:
    """How each model's hyperparameters are searched."""

    cv: Folds = option(0, "0 = tune on the validation split; k >= 2 = k-fold CV on train")
    n_jobs: Jobs = option(-1, "candidates fitted at once (threads); -1 = one per core")
    # none by default: on full MNIST it saved nothing for the MLP on pixels / 255 (README)
    halving: Models = option(
        (), 'models searched by successive halving, e.g. ["mlp"]; [] = full grids'
    )
    # successive halving that continues survivors where they stopped (analysis/racing.py); only
    # with cv = 0 (else the full grid is searched, and the console says so). On full MNIST the
    # MLP's search went from 171 s to 108 s with the same winner (README). A model also in
    # `halving` is searched by halving
    epoch_halving: Resumable = option(
        ("mlp",),
        f"models whose candidates race over epochs (only {_quoted(RESUMABLE)}); [] = full grids",
    )
    # set explicitly in every path (a build, verify --jobs, a Dask worker): the thread count
    # changes the last digits of a float (Ridge's RMSE), so it is part of the cache key
    blas_threads: Positive = option(
        1, "BLAS threads of every fit (in the cache key: it moves the last digits)"
    )
    # joblib's Dask backend needs a running dask.distributed Client (build --scheduler)
    backend: Backend = option(
        "threads", '"threads", or "dask": a Dask cluster (reportgen build --scheduler ADDR)'
    )


def default_grids() -> dict[str, dict[str, list[Any]]]:
    """Every model's built-in grid (models.py)."""
    return {k: dict(m.grid) for k, m in MODELS.items()}


@section
class Config:
    """The whole build: report metadata, data, tuning and the grid of every model."""

    report: ReportConfig = option(ReportConfig, "the title page and the student's own text")
    data: DataConfig = option(DataConfig, "the digits, their subset and split")
    tuning: TuningConfig = option(TuningConfig, "how each model is tuned")
    grids: Grids = option(default_grids, "each model's grid: hyperparameter -> values")

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
        report["sections"] = {k: _last_name(v) for k, v in report["sections"].items()} or None
        data["mnist_dir"] = _last_name(data["mnist_dir"])
        if data["dataset"].startswith("idx:"):
            data["dataset"] = "idx:" + _last_name(data["dataset"][4:])
        return record


# ---- the course's grading: read by verify --expect COURSE --gradebook, never by a build -------

Points = Annotated[float, Field(strict=True, allow_inf_nan=False)]


@section
class GradingConfig:
    """A course config's [grading]: the points of each verdict, out of `max`; a submission's
    departures from the course and a title page naming another student add their points (give
    them below zero to take points off). A grade is kept between 0 and max."""

    max: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] = option(
        ..., "the most points the assignment gives"
    )
    reproduced: Points = option(..., "points of a reproduced report")
    within_tolerance: Points = option(..., "points of a report within tolerance")
    differs: Points = option(..., "points of a report whose numbers differ")
    tampered: Points = option(..., "points of a report changed after its build")
    unverifiable: Points = option(
        0, "points of a report without its attachments (re-saved): only its arithmetic checked"
    )
    error: Points = option(..., "points of a submission that is no readable report")
    departs: Points = option(0, "points added per departure from the course's config")
    mismatch: Points = option(0, "points added when the title page names another student")
    rescale: bool = option(
        True,
        "a gradebook out of another maximum gets the grades scaled to it (false: the run "
        "refuses, naming both maxima)",
    )


# one line (an error's): a table of lines, `key = value` each
GRADING_EXAMPLE = (
    "[grading] max = 10, reproduced = 10, within_tolerance = 10, differs = 5, tampered = 0, "
    "error = 0 (optional: departs = -1 per departure, mismatch = -10 for another's name)"
)


def load_grading(path: str | Path) -> GradingConfig | None:
    """The [grading] table of the course config `path`, or None where it has none."""
    raw, _ = _read_toml(path)
    table = raw.get("grading")
    if table is None:
        return None
    try:
        return TypeAdapter(GradingConfig).validate_python(table)
    except ValidationError as exc:
        problems, missing = [], []
        for error in exc.errors(include_url=False):
            key = ".".join(str(p) for p in ("grading", *error["loc"]))
            if error["type"] == "missing":
                missing.append(key)
            elif error["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
                known = ", ".join(f.name for f in dataclasses.fields(GradingConfig))
                problems.append(f"unknown key {key} (known: {known})")
            else:
                problems.append(f"{key}: {error['msg']}, got {error.get('input')!r}")
        if missing:
            problems.append(f"{', '.join(missing)} missing: give points, e.g. {GRADING_EXAMPLE}")
        raise ConfigError(problems) from None


# ---- the course's flags across a class: read by verify --expect COURSE, never by a build ------


@section
class FlagsConfig:
    """A course config's [flags]: how alike two self-evaluations must be to be flagged."""

    near_copy: Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)] = option(
        0.8, "Jaccard similarity of word 5-shingles at which two self-evaluations are near-copies"
    )


def load_flags(path: str | Path | None) -> FlagsConfig:
    """The [flags] table of the course config `path`; its defaults where there is none."""
    if path is None:
        return FlagsConfig()
    raw, _ = _read_toml(path)
    table = raw.get("flags", {})
    try:
        return TypeAdapter(FlagsConfig).validate_python(table)
    except ValidationError as exc:
        known = ", ".join(f.name for f in dataclasses.fields(FlagsConfig))
        raise ConfigError(
            [
                f"{'.'.join(str(p) for p in ('flags', *e['loc']))}: {e['msg']} (known: {known}; "
                "e.g. [flags] near_copy = 0.8)"
                for e in exc.errors(include_url=False)
            ]
        ) from None


SECTIONS = {"report": ReportConfig, "data": DataConfig, "tuning": TuningConfig}
_CONFIG = TypeAdapter(Config)


def _last_name(path: str) -> str:
    """'/home/anna/mnist-data/' -> 'mnist-data'; '' stays ''."""
    return Path(path).name if path else ""


def _as_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(v) for v in value]
    return value


def _names(section: type) -> list[str]:
    return [f.name for f in dataclasses.fields(section)]


# ---- one line per problem -------------------------------------------------------------------


def _closest(word: str, options: list[str]) -> str:
    match = difflib.get_close_matches(word, options, n=1)
    return f" (did you mean '{match[0]}'?)" if match else f" (known: {', '.join(options)})"


def _problem(error: Any) -> str:
    """One of pydantic's errors as the line a user reads: the key, what it must be, the fix."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    keys = [str(p) for p in loc if not isinstance(p, int) and p != "[key]"]
    where = ".".join(keys)
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        if len(keys) == 1:
            return f"unknown section [{where}]{_closest(where, [*SECTIONS, 'grids'])}"
        return f"unknown key {where}{_closest(keys[-1], sorted(_names(SECTIONS[keys[0]])))}"
    if kind in ("dataclass_type", "dict_type") and len(keys) == 1:
        return f"[{where}] must be a table, got {value!r}"
    if keys[0] == "grids":
        if loc[-1] == "[key]":
            return f"unknown model grids.{keys[1]}{_closest(keys[1], sorted(MODELS))}"
        if kind == "dict_type":
            return f"grids.{keys[1]} must be a table of lists"
        if kind == "list_type":
            return f"{where} must be a list, got {value!r}"
        if kind == "too_short":
            return f"{where} is empty: give at least one value"
    if kind == "literal_error" and loc[-1] == "[key]" and keys[:2] == ["report", "sections"]:
        return f"unknown section {where}{_closest(keys[-1], list(SECTION_KEYS))}"
    if kind == "literal_error" and isinstance(loc[-1], int):  # a list of model names
        return f"{where}: unknown model '{value}'{_closest(str(value), sorted(MODELS))}"
    if kind == "model":
        return f"{where}: {error['msg']}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "")
        return f"{where} must be {expected}, got {value!r}"
    if kind == "string_type" and isinstance(value, dt.date):  # TOML's own dates
        return f'{where} must be text in quotes: {where.split(".")[-1]} = "{value.isoformat()}"'
    expected = {
        "tuple_type": "a list of names" if keys[-1] != "split" else "a list",
        "string_type": "text (in quotes)",
    }.get(kind) or (error.get("ctx") or {}).get("expected")
    if expected:
        return f"{where} must be {expected}, got {value!r}"
    return f"{where}: {error['msg'][:1].lower()}{error['msg'][1:]}, got {value!r}"


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


def _on_this_machine(raw: dict[str, Any], bad: set[tuple[str, ...]]) -> list[str]:
    """What the types cannot see: the named files and folders exist, and each grid that
    departs from the built-in one fits its scikit-learn estimator. The built-in grids are
    valid (a test checks them): a config that keeps them imports no scikit-learn here, and a
    warm rebuild none at all. Every grid is checked again just before its model is fitted
    (check_grid)."""
    problems: list[str] = []
    report = raw.get("report")
    if isinstance(report, dict):
        own = report.get("self_evaluation")
        if own and isinstance(own, str) and not Path(own).is_file():
            problems.append(
                f"report.self_evaluation {own} is not a file: fix the path "
                "(relative to the config) or leave it empty"
            )
        folder = report.get("templates_dir")
        if folder and isinstance(folder, str) and not Path(folder).is_dir():
            problems.append(f"report.templates_dir {folder} is not a folder: fix the path")
        own_sections = report.get("sections")
        if isinstance(own_sections, dict):
            for key, name in own_sections.items():
                if key in PLACES and isinstance(name, str):
                    problems += _section_file(key, name)
    grids = raw.get("grids")
    for model, grid in grids.items() if isinstance(grids, dict) else ():
        if model in MODELS and ("grids", model) not in bad and grid != dict(MODELS[model].grid):
            _validate_grid(model, grid, problems)
    return problems


def shown_path(path: str | Path) -> str:
    """A path as a user typed it: relative to the working folder where it lies under it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def read_section(key: str, name: str) -> str:
    """The text of report.sections.<key>'s file, bounded and UTF-8, or ConfigError naming it."""
    path = Path(name)
    shown = shown_path(path)
    fix = f"fix report.sections.{key} (a .md file, relative to the config)"
    if path.suffix.lower() not in SUFFIXES:
        raise ConfigError([f"report.sections.{key} {shown} is not Markdown (.md): {fix}"])
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SECTION_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            [f"report.sections.{key} {shown}: {exc.strerror or exc}: {fix}"]
        ) from None
    if len(data) > MAX_SECTION_BYTES:
        raise ConfigError(
            [
                f"report.sections.{key} {shown} is larger than {MAX_SECTION_BYTES // 1024} KiB: "
                "shorten it"
            ]
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            [f"report.sections.{key} {shown} is not UTF-8 text: save it as UTF-8"]
        ) from None


def _section_file(key: str, name: str) -> list[str]:
    """A section file's problems: unreadable, too large, not Markdown, or a live value that is
    not one (with its line, column and the nearest name)."""
    try:
        text = read_section(key, name)
    except ConfigError as exc:
        return exc.problems
    return section_problems(shown_path(name), text)


# ---- reading --------------------------------------------------------------------------------


# The title page's placeholders in each language, used when the config sets none of its own.
PLACEHOLDERS = {
    "en": {
        "title": "Machine Learning: MNIST, regression or classification?",
        "author": "First Lastname",
        "course": "Knowledge check 2",
    },
}


def _read_toml(path: str | Path | None) -> tuple[dict[str, Any], Path]:
    """The file's tables and the folder its relative paths start from."""
    if path is None:
        return {}, Path.cwd()
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"config file {p} not found: pass --config FILE"]) from None
    except OSError as exc:
        raise ConfigError([f"cannot read config file {p} ({exc.strerror})"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{p} is not valid TOML: {exc}: fix it there"]) from None
    return raw, p.resolve().parent


def _merged(raw: dict[str, Any], overrides: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """The file's tables with the flags over them, the language's title page where neither
    gave one, the self-evaluation's path from the config's folder, and the grids key by key
    over the built-in ones. Values are not checked here: wrong ones are left for the model to
    name."""
    raw = dict(raw)
    for dotted, value in overrides.items():
        if value is None:
            continue
        name, key = dotted.split(".")
        table = raw.setdefault(name, {})
        if isinstance(table, dict):
            raw[name] = {**table, key: value}
    report = raw.get("report", {})
    if isinstance(report, dict):
        lang = report.get("lang", ReportConfig().lang)
        words = PLACEHOLDERS.get(lang, {}) if isinstance(lang, str) else {}
        report = {**{k: v for k, v in words.items() if k not in report}, **report}
        own = report.get("self_evaluation")
        if own and isinstance(own, str) and not Path(own).is_absolute():
            report["self_evaluation"] = str(base_dir / own)
        own_sections = report.get("sections")
        if isinstance(own_sections, dict):
            report["sections"] = {
                k: str(base_dir / v) if isinstance(v, str) and v else v
                for k, v in own_sections.items()
            }
        if report:
            raw["report"] = report
    grids = raw.get("grids")
    if isinstance(grids, dict):
        merged: dict[str, Any] = default_grids()
        for model, grid in grids.items():
            own_grid = isinstance(grid, dict) and model in merged
            merged[model] = {**merged[model], **grid} if own_grid else grid
        raw["grids"] = merged
    return raw


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then the TOML file (if any), then `overrides` ('section.key' -> value, None skips).

    Raises ConfigError listing every problem found, before any work starts.
    """
    raw, base_dir = _read_toml(path)
    raw.pop("grading", None)  # a course config's grading: load_grading reads it
    raw.pop("flags", None)  # and its flags: load_flags
    raw = _merged(raw, overrides or {}, base_dir)
    problems: list[str] = []
    bad: set[tuple[str, ...]] = set()
    try:
        cfg = _CONFIG.validate_python(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            problems.append(_problem(error))
            bad.add(tuple(str(p) for p in error["loc"][:2]))
    problems += _on_this_machine(raw, bad)
    if problems:
        raise ConfigError(problems)
    return cfg


# A submission's grids are rebuilt on the instructor's machine: no more candidates than this
# per model (the built-in grids have at most 9).
MAX_CANDIDATES = 100


def config_from_record(record: dict[str, Any], dataset: str) -> Config:
    """The Config a results.json records (its "config", as a dict), to rebuild the analysis on
    `dataset`. A submission comes from outside: no grid may be larger than MAX_CANDIDATES, and
    each grid is checked against scikit-learn's constraints before its model is fitted
    (check_grid). A key an older schema lacks (null) takes its default, except
    tuning.epoch_halving: a run from before the race raced nothing."""
    tables = {name: {k: v for k, v in record[name].items() if v is not None} for name in SECTIONS}
    # the texts are in results.json
    tables["report"].update(self_evaluation="", templates_dir="", sections={})
    tables["data"].update(dataset=dataset, mnist_dir="")
    tables["tuning"].setdefault("epoch_halving", ())
    problems: list[str] = []
    for model, grid in record["grids"].items():
        size = 1
        for values in grid.values():
            size *= len(values)
        if size > MAX_CANDIDATES:
            problems.append(f"grids.{model} has {size} candidates, more than {MAX_CANDIDATES}")
    if problems:
        raise ConfigError(problems)
    try:
        return _CONFIG.validate_python({**tables, "grids": record["grids"]})
    except ValidationError as exc:
        raise ConfigError([_problem(e) for e in exc.errors(include_url=False)]) from None


def check_grid(cfg: Config, model: str) -> None:
    """One model's grid against scikit-learn's constraints, before that model is fitted.

    load_config checks every grid at once; a config read from results.json (a submission) is
    checked here, model by model, so a fully cached rebuild never imports scikit-learn."""
    problems: list[str] = []
    _validate_grid(model, cfg.grids[model], problems)
    if problems:
        raise ConfigError(problems)


def preprocessing_of(key: str, cfg: Config) -> str:
    """How a model's pixels are scaled: standardised, or divided by 255 (data.divide_by_255)."""
    return DIVIDE_BY_255 if key in cfg.data.divide_by_255 else STANDARD_SCALER


def option_doc(section: type, key: str) -> str:
    """The line that explains an option (its declaration's doc)."""
    return section.__pydantic_fields__[key].description or ""
