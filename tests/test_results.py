"""results.json: round trip, schema checks, atomic writes."""

from __future__ import annotations

import json

import pytest

from reportgen.errors import ReportgenError
from reportgen.results import SCHEMA_VERSION, dumps, loads, read_results, write_atomic

from .conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "results_small.json"


@pytest.fixture
def results():
    if not FIXTURE.exists():
        pytest.skip("tests/fixtures/results_small.json not present")
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_round_trip_is_exact(tmp_path, results):
    write_atomic(tmp_path / "results.json", dumps(results))
    again = read_results(tmp_path)
    assert again == results
    assert dumps(again) == dumps(results)


def test_wrong_schema_version_says_rebuild(results):
    results["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ReportgenError, match="rebuild"):
        loads(json.dumps(results))


def test_missing_keys_and_bad_json(results):
    del results["models"]
    with pytest.raises(ReportgenError, match="lacks models"):
        loads(json.dumps(results))
    with pytest.raises(ReportgenError, match="not valid JSON"):
        loads("{")


def test_missing_run_dir(tmp_path):
    with pytest.raises(ReportgenError, match="not found"):
        read_results(tmp_path)


def test_nan_is_refused():
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})


def test_atomic_write_leaves_no_temp_files(tmp_path):
    write_atomic(tmp_path / "a.txt", "one")
    write_atomic(tmp_path / "a.txt", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "two"
