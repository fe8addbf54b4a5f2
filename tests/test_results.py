"""results.json: the typed schema, exact round trips, a frozen build, the exported JSON Schema."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from reportgen.cli import main
from reportgen.config import Config, option_doc
from reportgen.errors import InputError
from reportgen.files import write_atomic
from reportgen.results import (
    SCHEMA_VERSION,
    ConfigRecord,
    Results,
    dumps,
    parse_results,
    read_results,
    results_json_schema,
)

from .helpers import FAST_GRIDS


def test_round_trip_is_byte_exact(tmp_path, fixture_path):
    text = fixture_path.read_text(encoding="utf-8")
    results = parse_results(text)
    assert results.to_json() == text
    write_atomic(tmp_path / "results.json", results.to_json())
    assert read_results(tmp_path) == results


def test_readers_get_typed_objects(results):
    mlp = results.models["mlp"]
    assert mlp.tuned.test.accuracy == pytest.approx(0.952)
    assert mlp.tuned.metrics("test") == {"accuracy": mlp.tuned.test.accuracy}
    assert results.models["ridge"].default.metrics("validation").keys() == {
        "rmse",
        "rounded_accuracy",
    }
    assert results.config.data.split == [0.8, 0.1, 0.1]


def test_wrong_schema_version_says_rebuild(results_data):
    results_data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(
        InputError, match="schema_version 8, this reportgen reads 1, 2, 3, 4, 5, 6 and 7: rebuild"
    ):
        parse_results(json.dumps(results_data))


def test_a_violation_names_its_json_path(results_data):
    results_data["models"]["mlp"]["tuned"]["test"]["accuracy"] = "0.99"
    with pytest.raises(InputError) as caught:
        parse_results(json.dumps(results_data), "sub.json")
    assert str(caught.value) == (
        'sub.json: models.mlp.tuned.test.accuracy: expected a number in [0, 1], got "0.99"'
    )


def test_missing_keys_and_bad_json(results_data):
    del results_data["models"]["mlp"]["tuned"]
    with pytest.raises(InputError, match=r"models\.mlp\.tuned: missing"):
        parse_results(json.dumps(results_data))
    with pytest.raises(InputError, match="not valid JSON"):
        parse_results("{")


def test_missing_run_dir(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_results(tmp_path)


def test_nan_is_never_written():
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})


def test_the_config_record_has_every_config_key():
    """results.json records the whole config: its schema is generated from config.Config, key
    by key, in order, with each option's doc."""
    record = ConfigRecord.model_validate(Config().to_dict())
    for section in ("report", "data", "tuning"):
        options = type(getattr(Config(), section))
        fields = type(getattr(record, section)).model_fields
        assert list(fields) == [f.name for f in dataclasses.fields(options)]
        for key, field in fields.items():
            assert field.description == option_doc(options, key)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("tuning.cv", 1, "config.tuning.cv: expected 0 (validation split) or at least 2, got 1"),
        ("report.lang", "de", "config.report.lang: expected 'sv' or 'en', got \"de\""),
        ("data.split", [0.5, 0.5, 0.5], "config.data.split: expected three fractions in (0, 1)"),
        ("tuning.halving", ["svm"], "config.tuning.halving[0]: expected 'linear', 'lasso'"),
        ("data.seed", "42", 'config.data.seed: expected an integer, got "42"'),
        ("report.date", "24 nov", 'config.report.date: expected YYYY-MM-DD, got "24 nov"'),
    ],
)
def test_the_record_checks_what_the_config_checks(results_data, key, value, message):
    section, name = key.split(".")
    results_data["config"][section][name] = value
    with pytest.raises(InputError) as caught:
        parse_results(json.dumps(results_data), "sub.json")
    assert str(caught.value).startswith("sub.json: " + message)


def test_a_key_added_later_may_be_absent_the_others_may_not(results_data):
    del results_data["config"]["tuning"]["backend"]
    results = parse_results(json.dumps(results_data))
    assert results.config.tuning.backend is None
    assert '"backend"' not in results.to_json()  # written back as it was read
    del results_data["config"]["tuning"]["cv"]
    with pytest.raises(InputError, match=r"config\.tuning\.cv: missing"):
        parse_results(json.dumps(results_data))


# Floats of a frozen build compare to this relative tolerance: another BLAS kernel (another
# CPU) moves a float in its last digits (~1e-12 on the sample's regressors), a real change moves
# it far more.
FROZEN_REL = 1e-9


def json_differences(got, want, where: str = "") -> list[str]:
    """Where two JSON documents differ: floats beyond FROZEN_REL (relative), anything else at
    all (keys, their order, strings, integers, booleans, lengths)."""
    if isinstance(want, float) and isinstance(got, float):
        ok = math.isclose(got, want, rel_tol=FROZEN_REL, abs_tol=FROZEN_REL * 1e-3)
        return [] if ok else [f"{where}: {got!r} != {want!r}"]
    if type(got) is not type(want):
        return [f"{where}: {got!r} != {want!r}"]
    if isinstance(want, dict):
        if list(got) != list(want):
            return [f"{where}: keys {list(got)} != {list(want)}"]
        return [d for k in want for d in json_differences(got[k], want[k], f"{where}.{k}")]
    if isinstance(want, list):
        if len(got) != len(want):
            return [f"{where}: {len(got)} items != {len(want)}"]
        pairs = enumerate(zip(got, want, strict=True))
        return [d for i, (g, w) in pairs for d in json_differences(g, w, f"{where}[{i}]")]
    return [] if got == want else [f"{where}: {got!r} != {want!r}"]


def frozen_differences(got_text: str, want_text: str) -> list[str]:
    """A build's results.json against the frozen one: the machine's `system` record for its
    shape (the schema), everything else exact but floats (FROZEN_REL)."""
    got, want = json.loads(got_text), json.loads(want_text)
    parse_results(got_text)  # the system record has its shape
    if "system" not in got or "system" not in want:
        return ["system: missing"]
    got.pop("system"), want.pop("system")
    return json_differences(got, want)


def test_the_frozen_comparison_passes_last_digits_and_fails_a_real_change(fixture_path):
    """A float moved in its last digits (as another BLAS kernel moves it) is equal; moved by
    1e-6, or a count or a string changed, it is not; the system record is checked for shape."""
    text = (fixture_path.parent / "results_fast.json").read_text(encoding="utf-8")
    data = json.loads(text)
    rmse = data["models"]["ridge"]["tuned"]["test"]["rmse"]
    data["models"]["ridge"]["tuned"]["test"]["rmse"] = rmse * (1 + 4e-15)
    data["system"]["blas"][0]["kernel"] = "Sandybridge"  # another machine: its shape is what counts
    data["system"]["distributions"]["numpy"] = "0.0.1"
    assert data["models"]["ridge"]["tuned"]["test"]["rmse"] != rmse
    assert frozen_differences(dumps(data), text) == []
    data["models"]["ridge"]["tuned"]["test"]["rmse"] = rmse * (1 + 1e-6)
    assert frozen_differences(dumps(data), text) == [
        f".models.ridge.tuned.test.rmse: {rmse * (1 + 1e-6)!r} != {rmse!r}"
    ]
    data["models"]["ridge"]["tuned"]["test"]["rmse"] = rmse
    data["models"]["mlp"]["tuned"]["confusion_matrix"][0][0] += 1
    assert len(frozen_differences(dumps(data), text)) == 1
    data["models"]["mlp"]["tuned"]["confusion_matrix"][0][0] -= 1
    del data["system"]["blas"][0]["kernel"]
    with pytest.raises(InputError, match=r"system\.blas\[0\]\.kernel: missing"):
        frozen_differences(dumps(data), text)


def test_a_frozen_build_gives_the_same_results(tmp_path, fixture_path):
    """A fast build of 300 sample digits equals tests/fixtures/results_fast.json: every key,
    string and count exact, every float to FROZEN_REL, the machine's `system` record in its
    shape (made before the package was split into subpackages; since then only
    data.first_digits changed, to the training split's first nine; schema 5 added each model's
    default_float32; Lasso's and Elastic Net's numbers changed in their last digits, fitted on
    a Gram matrix; schema 6 added the theory answers' illustrations; schema 7 the system
    record). It holds on any CPU's BLAS kernel (SkylakeX, Haswell, Sandybridge); other library
    versions may change more, so the test needs the versions the file records."""
    frozen = fixture_path.parent / "results_fast.json"
    expected = parse_results(frozen.read_text(encoding="utf-8"))
    from reportgen.pipeline import environment

    if dict(expected.environment) != environment():
        pytest.skip(f"the frozen file was made with {dict(expected.environment)}")
    lines = ["[report]", 'date = "2026-01-15"', 'author = "Test Testsson"']
    lines += ["[tuning]", "epoch_halving = []"]  # the file predates the race over epochs
    for model, grid in FAST_GRIDS.items():
        lines += [f"[grids.{model}]"] + [f"{k} = {json.dumps(v)}" for k, v in grid.items()]
    (tmp_path / "fast.toml").write_text("\n".join(lines) + "\n")
    argv = ["build", "--config", str(tmp_path / "fast.toml"), "--dataset", "sample"]
    argv += ["--limit", "300", "--out", str(tmp_path / "out"), "--no-render", "--no-cache"]
    assert main(argv) == 0
    built = (tmp_path / "out" / "results.json").read_text(encoding="utf-8")
    assert frozen_differences(built, frozen.read_text(encoding="utf-8")) == []


def test_json_schema_is_exported_and_documented(root, capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == results_json_schema()
    assert printed["properties"]["models"]["propertyNames"]["enum"][0] == "linear"
    documented = json.loads((root / "docs" / "results.schema.json").read_text(encoding="utf-8"))
    assert documented == printed, "docs/results.schema.json is stale: `make schema` rewrites it"


def test_the_schema_accepts_the_frozen_files(fixture_path):
    for name in ("results_small.json", "results_fast.json", "results_v1.json"):
        Results.model_validate_json((fixture_path.parent / name).read_text(encoding="utf-8"))


def test_a_schema_1_document_still_reads_and_keeps_its_bytes(fixture_path):
    """Runs from before dataset.files (schema 1) open for render and diff as they were."""
    old = (fixture_path.parent / "results_v1.json").read_text(encoding="utf-8")
    results = parse_results(old)
    assert results.schema_version == 1 and results.dataset.files is None
    assert results.to_json() == old


def test_schema_5_requires_each_defaults_precision(results_data):
    results_data["schema_version"] = 5  # the sample run is schema 4: no default_float32
    with pytest.raises(InputError, match=r"models\.linear\.default_float32: missing"):
        parse_results(json.dumps(results_data))
    for model in results_data["models"].values():
        model["default_float32"] = model["float32"]
    assert parse_results(json.dumps(results_data)).models["mlp"].default_float32 is True


def test_schema_2_requires_the_data_files(results_data):
    del results_data["dataset"]["files"]
    with pytest.raises(InputError, match=r"dataset\.files: missing"):
        parse_results(json.dumps(results_data))


def test_schema_6_requires_the_illustrations(results_data):
    results_data["schema_version"] = 6
    for model in results_data["models"].values():
        model["default_float32"] = model["float32"]
    Results.model_validate(results_data)  # the fixture carries them
    del results_data["illustrations"]
    with pytest.raises(InputError, match=r"illustrations: missing \(schema 6 has it\)"):
        parse_results(json.dumps(results_data))


def test_schema_7_requires_the_system_record(fixture_path):
    data = json.loads((fixture_path.parent / "results_fast.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 7 and data["system"]["blas"]
    del data["system"]
    with pytest.raises(InputError, match=r"system: missing \(schema 7 has it\)"):
        parse_results(json.dumps(data))
    data["schema_version"] = 6  # before the record: absent, and written back without it
    assert "system" not in parse_results(json.dumps(data)).to_json()
