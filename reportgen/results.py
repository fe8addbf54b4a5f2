"""results.json as typed models (pydantic v2): the one schema every reader enforces.

results.json holds everything the report shows and nothing that varies between identical runs
(fit times and the clock go to run.json), so two builds of the same inputs compare byte for byte.
Every door that reads one (a run folder, a results.json, a PDF attachment, a cache entry) goes
through `parse_results`: a violation is one line naming the JSON path and what was expected.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .config import Config, ModelKey, SectionKey
from .errors import InputError
from .files import MAX_DOCUMENT_BYTES, read_bounded
from .metrics import ACCURACY, RMSE
from .models import MODELS, STANDARD_SCALER
from .sections import MAX_SECTION_BYTES, LiveError, live_values
from .values import (
    Count,
    Digit,
    Finite,
    Fraction,
    NonNegative,
    Params,
    Pixel,
    Positive,
    number,
)

SCHEMA_VERSION = 7
# Versions this reportgen reads. 1: before dataset.files (a run's paths were recorded whole);
# 2: before report.lang and report.pdf_variant (Swedish, untagged), with Swedish model names;
# 3: before tuning.epoch_halving (no search raced over epochs);
# 4: before models.*.default_float32 (every default was fitted on float64);
# 5: before illustrations (the theory answers' computed figures);
# 6: before system (the machine: Python, platform, CPU flags, BLAS kernels, distributions).
READABLE_VERSIONS = (1, 2, 3, 4, 5, 6, 7)
RESULTS_FILE = "results.json"
RUN_FILE = "run.json"
N_CLASSES = 10
N_PIXELS = 784


def dumps(obj: Any) -> str:
    """Stable JSON text: fixed key order as built, two-space indent, a final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


PerDigit = Annotated[list[Count], Field(min_length=N_CLASSES, max_length=N_CLASSES)]
Shares = Annotated[list[Fraction], Field(min_length=N_CLASSES, max_length=N_CLASSES)]
Matrix = Annotated[list[PerDigit], Field(min_length=N_CLASSES, max_length=N_CLASSES)]
Fingerprint = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Schema(BaseModel):
    """Strict, closed, immutable: no coercion ("0.99" is not a number), no unknown keys.

    Optional fields (default None) are left out of the JSON when None, as the analysis writes
    them (`to_data`); the one nullable field that is always written is Results.self_evaluation.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    def to_data(self) -> dict[str, Any]:
        """JSON-ready data, absent optional fields left out. (A plain dump and a filter: no
        Python code runs inside pydantic's serializer, so Ctrl-C is never swallowed there.)"""
        return self.model_dump(mode="json", exclude_none=True)


# ---- the config as run ----------------------------------------------------------------------
# Generated from config.py's classes, key by key and in their order: an option is declared
# once. The record holds lists where the config holds tuples, reads strictly (no coercion),
# and lets a run from an older schema lack the keys it had not yet.

# A key an older results.json lacks, and what the record holds then (None: left out again)
LATER_KEYS: dict[tuple[str, str], Any] = {
    ("report", "lang"): None,  # schema 2: before the English edition (Swedish)
    ("report", "pdf_variant"): None,  # schema 2: before PDF/UA (untagged)
    ("data", "divide_by_255"): [],  # before the key: every model standardised
    ("tuning", "epoch_halving"): None,  # schema 3: before the race over epochs
    ("tuning", "blas_threads"): None,  # before the key: BLAS threads as the machine had
    ("tuning", "backend"): None,  # before the key: threads
    ("report", "sections"): None,  # before own sections; left out when the config names none
}


def _as_list_type(annotation: Any) -> Any:
    """The config's type as the record holds it: tuple[X, ...] -> list[X], tuple[X, X, X] ->
    a list of three X, inside Annotated and dict values too."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return Annotated[(_as_list_type(args[0]), *annotation.__metadata__)]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return list[_as_list_type(args[0])]  # type: ignore[misc]
        return Annotated[list[args[0]], Field(min_length=len(args), max_length=len(args))]
    if origin is dict:
        return dict[args[0], _as_list_type(args[1])]  # type: ignore[valid-type]
    return annotation


def _record_of(options: type, name: str, where: str = "") -> type[Schema]:
    """The strict record model of a config class (`where`: its section): the same keys in the
    same order, the same types and checks, the same docs."""
    hints = get_type_hints(options, include_extras=True)
    fields: dict[str, Any] = {}
    for key, info in options.__pydantic_fields__.items():  # type: ignore[attr-defined]
        annotation = hints[key]
        if dataclasses.is_dataclass(annotation):
            kind = annotation.__name__.replace("Config", "Settings")
            annotation = _record_of(annotation, kind, key)
        else:
            annotation = _as_list_type(annotation)
        doc = info.description
        if (where, key) not in LATER_KEYS:
            fields[key] = (annotation, Field(description=doc))
        elif (missing := LATER_KEYS[where, key]) is None:
            fields[key] = (annotation | None, Field(None, description=doc))
        else:
            fields[key] = (annotation, Field(default_factory=missing.copy, description=doc))
    return create_model(
        name, __base__=Schema, __doc__=options.__doc__, __module__=__name__, **fields
    )


ConfigRecord = _record_of(Config, "ConfigRecord")
ReportSettings = ConfigRecord.model_fields["report"].annotation
DataSettings = ConfigRecord.model_fields["data"].annotation
TuningSettings = ConfigRecord.model_fields["tuning"].annotation


# ---- the data -------------------------------------------------------------------------------


class SelfEvaluation(Schema):
    """The student's own text, from the file report.self_evaluation named."""

    source: str
    format: Literal["markdown", "text"]
    text: str


class OwnSection(Schema):
    """A section the student wrote (report.sections): its file's name and Markdown text, whose
    live values (sections.py) the report evaluates from this run's numbers each time it is
    rendered, so verify's regenerated report shows them from the attached results."""

    source: str
    text: Annotated[str, Field(max_length=MAX_SECTION_BYTES)]

    @model_validator(mode="after")
    def _live_values_are_known(self) -> OwnSection:
        try:
            live_values(self.text)
        except LiveError as exc:
            raise PydanticCustomError(
                "live", "{source}:{where}", {"source": self.source, "where": str(exc)}
            ) from None
        return self


class DataFile(Schema):
    """One IDX file read: its name and size (never its folder)."""

    name: str
    bytes: Count


class DatasetRecord(Schema):
    """What the digits are (source kind, files, fingerprint), never where they were."""

    source: Literal["sample", "idx", "openml"]
    origin: str  # the IDX folder's last name, or the package
    reason: str
    files: list[DataFile] | None = None  # schema 2 has it; schema 1 lacks it
    n_samples: Positive
    n_features: Literal[784]
    fingerprint: Fingerprint


class SplitSizes(Schema):
    train: Count
    validation: Count
    test: Count


class ClassCounts(Schema):
    all: PerDigit
    train: PerDigit
    validation: PerDigit
    test: PerDigit


class PreviewRow(Schema):
    index: Count
    values: list[Pixel]


class Preview(Schema):
    columns: list[str]
    head: list[PreviewRow]
    tail: list[PreviewRow]


class TargetSummary(Schema):
    head: list[Annotated[list[Count], Field(min_length=2, max_length=2)]]
    tail: list[Annotated[list[Count], Field(min_length=2, max_length=2)]]
    length: Count
    categories: list[Digit]


class FirstDigits(Schema):
    """The digits figure's images and labels: the training split's first nine (older runs kept
    the data set's first nine)."""

    labels: Annotated[list[Digit], Field(max_length=9)]
    pixels: Annotated[
        list[Annotated[list[Pixel], Field(min_length=N_PIXELS, max_length=N_PIXELS)]],
        Field(max_length=9),
    ]


class DataFacts(Schema):
    """What the report's data study shows."""

    n_samples: Positive
    n_features: Positive
    image_shape: Annotated[list[Positive], Field(min_length=2, max_length=2)]
    pixel_dtype: str
    label_dtype: str
    pixel_min: Pixel
    pixel_max: Pixel
    pixel_mean: NonNegative
    pixels_zero_everywhere: Count
    split_sizes: SplitSizes
    class_counts: ClassCounts
    preview: Preview
    target_summary: TargetSummary
    first_digits: FirstDigits


class MaxAbsZ(Schema):
    train: NonNegative | None = None  # runs before session 3 lack it
    validation: NonNegative
    test: NonNegative


class OutsideTrain(Schema):
    validation: Count
    test: Count


class ScalingFacts(Schema):
    """What StandardScaler does to rare pixels (the facts behind a linear blow-up)."""

    zero_variance_pixels_train: Count
    max_abs_z: MaxAbsZ
    pixels_nonzero_outside_train: OutsideTrain


# ---- the models -----------------------------------------------------------------------------


class SplitScores(Schema):
    """One split's scores: RMSE and rounded accuracy (regressors) or accuracy (classifiers)."""

    rmse: NonNegative | None = None
    rounded_accuracy: Fraction | None = None
    accuracy: Fraction | None = None


class PerClass(Schema):
    precision: Shares
    recall: Shares
    f1: Shares
    support: PerDigit


class Candidate(Schema):
    """One grid point of a search: its parameters, validation score and rank."""

    params: Params
    score: Finite
    rank: Positive
    round: Positive | None = None  # successive halving: the last round it reached
    epochs: Positive | None = None  # a race over epochs: the epochs it was trained


class HalvingRound(Schema):
    """A round of successive halving: over the data (`share` of the train split) or over
    epochs (`epochs` each, None in the last round: until each candidate's stopping rule)."""

    candidates: Positive
    share: number(0, 1) | None = None  # type: ignore[valid-type]
    epochs: Positive | None = None


class _Scored(Schema):
    """Scores of one fitted model; the family decides which are present (checked above)."""

    def metrics(self, split: str) -> dict[str, float]:
        """{metric: value} of a split, only the metrics this model has."""
        scores: SplitScores = getattr(self, split)
        return {k: v for k, v in scores.model_dump().items() if v is not None}


class DefaultFit(_Scored):
    """The model with scikit-learn's default parameters."""

    validation: SplitScores
    test: SplitScores
    confusion_matrix: Matrix | None = None
    per_class: PerClass | None = None
    max_abs_coef: NonNegative | None = None


class TunedFit(_Scored):
    """The model with the search's best parameters, and the search itself."""

    scheme: Annotated[str, Field(pattern=r"^(validation|[0-9]+-fold)$")]
    search: Literal["grid", "halving", "epoch_halving"]
    rounds: list[HalvingRound] | None = None
    default_params: Params
    best_params: Params
    best_search_score: Finite
    candidates: Annotated[list[Candidate], Field(min_length=1)]
    validation: SplitScores
    test: SplitScores
    confusion_matrix: Matrix | None = None
    per_class: PerClass | None = None
    max_abs_coef: NonNegative | None = None


class ModelResult(Schema):
    """One model of the report: default and tuned fits, scored on validation and test."""

    name: str
    family: Literal["regression", "classification"]
    metric: Literal["rmse", "accuracy"]
    preprocessing: Literal["standard_scaler", "divide_by_255"] = STANDARD_SCALER
    float32: bool  # the search's features were float32
    # so were the default fit's: schema 5 has it; before, every default was fitted on float64
    default_float32: bool | None = None
    default_from_search: bool
    default: DefaultFit
    tuned: TunedFit

    @model_validator(mode="after")
    def _scores_fit_the_family(self) -> ModelResult:
        regression = self.family == "regression"
        if self.metric != (RMSE if regression else ACCURACY):
            raise PydanticCustomError(
                "family",
                "family '{family}' does not fit metric '{metric}'",
                {"family": self.family, "metric": self.metric},
            )
        needed = ("rmse", "rounded_accuracy") if regression else ("accuracy",)
        for phase in ("default", "tuned"):
            fit = getattr(self, phase)
            for split in ("validation", "test"):
                missing = [m for m in needed if getattr(getattr(fit, split), m) is None]
                if missing:
                    raise PydanticCustomError(
                        "family",
                        "{phase}.{split} lacks {missing} (a {family} model)",
                        {
                            "phase": phase,
                            "split": split,
                            "missing": missing[0],
                            "family": self.family,
                        },
                    )
            if not regression and (fit.confusion_matrix is None or fit.per_class is None):
                raise PydanticCustomError(
                    "family",
                    "{phase} lacks its confusion_matrix or per_class scores",
                    {"phase": phase},
                )
        return self


# ---- the theory answers' illustrations -------------------------------------------------------


class CvModel(Schema):
    """One model of question 2's cross-validation: its RMSE on each fold."""

    name: str  # scikit-learn's class name
    params: Params  # what differs from scikit-learn's defaults
    rmse: Annotated[list[NonNegative], Field(min_length=2)]


class CrossValidation(Schema):
    """k-fold cross-validation on a seeded subsample of the training part (question 2)."""

    folds: Positive
    n_samples: Positive
    models: Annotated[list[CvModel], Field(min_length=1)]


class Residuals(Schema):
    """The best regressor's test residuals, predicted minus true digit (questions 3 and 4):
    a histogram from `low` in bins of `width` (the ends hold what lies beyond), and what they
    mean in digits."""

    model: ModelKey
    low: Finite
    width: Annotated[float, Field(gt=0, strict=True, allow_inf_nan=False)]
    counts: Annotated[list[Count], Field(min_length=1)]
    n: Positive
    mean: Finite
    rmse: NonNegative
    r2: Finite
    within_half: Fraction
    rounded_accuracy: Fraction
    within_one: Fraction


class Cluster(Schema):
    """One k-means cluster: its centre as 28 x 28 pixels, its size and majority label."""

    centre: Annotated[list[Pixel], Field(min_length=N_PIXELS, max_length=N_PIXELS)]
    size: Count
    majority: Digit
    majority_count: Count


class KMeansResult(Schema):
    """k-means on the training part's pixels (question 6)."""

    k: Positive
    n_samples: Positive
    clusters: Annotated[list[Cluster], Field(min_length=1)]


class Illustrations(Schema):
    """What the theory answers show from this run (schema 6)."""

    cross_validation: CrossValidation
    residuals: Residuals
    kmeans: KMeansResult


class WarningRecord(Schema):
    """A warning met while fitting, with the model and phase it came from."""

    model: ModelKey
    phase: Literal["default", "tuned"]
    category: str
    message: str
    count: Positive


# ---- the machine ----------------------------------------------------------------------------


class BlasLibrary(Schema):
    """One BLAS library of the build's process, as threadpoolctl names it."""

    library: str  # openblas, mkl, blis, accelerate ...
    version: str
    kernel: str  # OpenBLAS's architecture: Haswell, SkylakeX, Sandybridge, neoversen1 ...
    threads: Count
    prefix: str  # the library file's name: libscipy_openblas, libopenblas ...
    chosen_by: Literal["reportgen", "environment", "library"]  # who chose the kernel


class SystemRecord(Schema):
    """Everything of the build's machine that can move a digit (schema 7)."""

    python: str
    implementation: str
    platform: str
    machine: str
    cpu_features: list[str]  # the CPU flags that select a kernel (sse4_2, avx2, avx512f ...)
    blas: list[BlasLibrary]
    distributions: dict[str, str]  # every installed distribution -> its version

    def kernels(self) -> list[str]:
        """The distinct BLAS kernels, sorted: ['Haswell']."""
        return sorted({b.kernel for b in self.blas})


class Results(Schema):
    """Everything one build computed: results.json."""

    schema_version: Literal[READABLE_VERSIONS]  # type: ignore[valid-type]
    reportgen_version: str
    config: ConfigRecord
    report_date: str
    self_evaluation: SelfEvaluation | None
    sections: dict[SectionKey, OwnSection] | None = None  # left out when there are none
    dataset: DatasetRecord
    environment: dict[str, str]
    system: SystemRecord | None = None  # schema 7 has it
    data: DataFacts
    scaling: ScalingFacts
    models: dict[ModelKey, ModelResult]
    warnings: list[WarningRecord]
    illustrations: Illustrations | None = None  # schema 6 has it

    @model_validator(mode="after")
    def _every_model_of_the_registry(self) -> Results:
        if self.schema_version >= 2 and self.dataset.files is None:
            raise PydanticCustomError(
                "models",
                "dataset.files: missing (schema {version} has it)",
                {"version": self.schema_version},
            )
        if self.schema_version >= 6 and self.illustrations is None:
            raise PydanticCustomError(
                "models",
                "illustrations: missing (schema {version} has it)",
                {"version": self.schema_version},
            )
        if self.schema_version >= 7 and self.system is None:
            raise PydanticCustomError(
                "models",
                "system: missing (schema {version} has it)",
                {"version": self.schema_version},
            )
        for key, model in self.models.items():
            if self.schema_version >= 5 and model.default_float32 is None:
                raise PydanticCustomError(
                    "models",
                    "models.{key}.default_float32: missing (schema {version} has it)",
                    {"key": key, "version": self.schema_version},
                )
        missing = [k for k in MODELS if k not in self.models]
        if missing:
            raise PydanticCustomError(
                "models",
                "models lacks {missing}: every model of the report is needed",
                {"missing": ", ".join(missing)},
            )
        for key, model in self.models.items():
            if model.family != MODELS[key].family:
                raise PydanticCustomError(
                    "models",
                    "models.{key} is a {family} model, not {given}",
                    {"key": key, "family": MODELS[key].family, "given": model.family},
                )
        return self

    def to_json(self) -> str:
        """results.json's text: the same results give the same bytes."""
        data = self.to_data()
        if self.self_evaluation is None:  # written as null, in its place
            data = {
                k: data.get(k)
                for k in type(self).model_fields
                if k in data or k == "self_evaluation"
            }
        return dumps(data)


# ---- doors ----------------------------------------------------------------------------------


def _got(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p != "[key]"]
    path = ""
    for p in parts:
        path += f"[{p}]" if p.isdigit() else (f".{p}" if path else p)
    return path or "(the document)"


EXPECTED = {
    "missing": "missing",
    "extra_forbidden": "unknown key",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "list_type": "expected a list",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "int_type": "expected an integer",
    "float_type": "expected a number",
}


def violation(exc: ValidationError, where: str) -> InputError:
    """The first schema violation as one line: where, JSON path, what was expected, got what."""
    error = exc.errors(include_url=False)[0]
    kind, loc = error["type"], tuple(error["loc"])
    path = _path(loc)
    if kind == "missing":
        return InputError(f"{where}: {path}: missing; rebuild it with `reportgen build`")
    if kind == "extra_forbidden":
        return InputError(f"{where}: {path}: unknown key, not in schema {SCHEMA_VERSION}")
    if kind == "literal_error" and loc and loc[-1] == "[key]":
        allowed = ", ".join(MODELS)
        return InputError(f"{where}: {path}: unknown model key, expected one of {allowed}")
    message = EXPECTED.get(kind) or error["msg"][:1].lower() + error["msg"][1:]
    if kind == "literal_error":
        message = "expected " + message.removeprefix("input should be ")
    elif kind in ("too_short", "too_long"):
        ctx = error.get("ctx", {})
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        side = "at least" if kind == "too_short" else "at most"
        return InputError(
            f"{where}: {path}: expected {side} {bound} items, got {ctx.get('actual_length')}"
        )
    elif kind == "string_pattern_mismatch":
        message = "expected " + ("a SHA-256 in hex" if loc[-1] == "fingerprint" else "a valid id")
    if kind in ("family", "live"):
        return InputError(f"{where}: {path}: {message}")
    if kind == "models":
        return InputError(f"{where}: {message}")
    return InputError(f"{where}: {path}: {message}, got {_got(error.get('input'))}")


def parse_json_document(raw: bytes | str, where: str) -> Any:
    """JSON text (bounded in size) as Python data; anything unreadable is one InputError."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{where} is larger than 20 MB, the limit for a reportgen document")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError:
        raise InputError(
            f"{where} is not UTF-8 text: give a results.json made by reportgen"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not valid JSON ({exc}): rebuild it") from None
    except RecursionError:
        raise InputError(f"{where} is nested too deeply to be a reportgen document") from None


def parse_results(raw: bytes | str, where: str = RESULTS_FILE) -> Results:
    """results.json text -> Results; a violation is one InputError naming the JSON path."""
    data = parse_json_document(raw, where)
    if not isinstance(data, dict):
        raise InputError(f"{where} is not a results object: rebuild it with `reportgen build`")
    version = data.get("schema_version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise InputError(
            f"{where} has schema_version {_got(version)}, this reportgen reads "
            f"{', '.join(map(str, READABLE_VERSIONS[:-1]))} and {READABLE_VERSIONS[-1]}: "
            "rebuild it with `reportgen build`"
        )
    try:
        return Results.model_validate(data)
    except ValidationError as exc:
        raise violation(exc, where) from None
    except RecursionError:
        raise InputError(f"{where} is nested too deeply to be a reportgen document") from None


def read_results(run_dir: Path) -> Results:
    """results.json of a run directory (or the file itself), validated."""
    path = Path(run_dir)
    if path.is_dir():
        path = path / RESULTS_FILE
    raw = read_bounded(path, hint="give a run directory made by `reportgen build`")
    return parse_results(raw, str(path))


def results_json_schema() -> dict[str, Any]:
    """The JSON Schema of results.json, for other tools."""
    schema = Results.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"reportgen results.json, schema_version {SCHEMA_VERSION}"
    return schema


# ---- what a model's fits cost (run.json and cache entries) ----------------------------------


class ModelTiming(Schema):
    """Seconds one model's fits took; never in results.json (it varies between runs)."""

    default_seconds: NonNegative
    search_seconds: NonNegative
    refit_seconds: NonNegative
    refitted: bool
    candidate_fit_seconds: list[NonNegative]
    total_seconds: NonNegative


class ModelPayload(Schema):
    """One model's share of a build, as the cache stores it."""

    result: ModelResult
    timing: ModelTiming
    warnings: list[WarningRecord]


class IllustrationsPayload(Schema):
    """The theory answers' illustrations, as the cache stores them."""

    illustrations: Illustrations


class FactsPayload(Schema):
    """The data study's facts, as the cache stores them (they need the split, not a model)."""

    data: DataFacts
    scaling: ScalingFacts
