"""reportgen diff: directions, tolerance, exit codes, formats, and inputs of every kind."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest

from reportgen.cli import main
from reportgen.compare.diff import any_worse, compare, has_differences
from reportgen.compare.formats import to_csv, to_html, to_markdown, to_text
from reportgen.compare.sources import Side
from reportgen.compare.text import html_text
from reportgen.results import Results, dumps, parse_results


@pytest.fixture
def results(results_data) -> dict:
    """A fresh copy of the frozen small run (safe to mutate)."""
    return results_data


def side(r, label="x"):
    """One side of a comparison: an edited results dict, validated, with a fixed text."""
    return Side(label, r if isinstance(r, Results) else Results.model_validate(r), ["same text"])


@pytest.fixture
def changed(results):
    b = copy.deepcopy(results)
    b["models"]["ridge"]["tuned"]["test"]["rmse"] -= 0.25  # better: lower RMSE
    b["models"]["mlp"]["tuned"]["test"]["accuracy"] -= 0.02  # worse: lower accuracy
    b["models"]["mlp"]["tuned"]["confusion_matrix"][3][5] += 2
    b["models"]["ridge"]["tuned"]["best_params"] = {"alpha": 10.0}
    b["config"]["data"]["seed"] = 7
    b["warnings"].append(
        {
            "model": "mlp",
            "phase": "tuned",
            "category": "ConvergenceWarning",
            "message": "Stochastic Optimizer: Maximum iterations reached",
            "count": 1,
        }
    )
    return b


def test_identical_runs_have_no_differences(results):
    diff = compare(side(results), side(copy.deepcopy(results)))
    assert not has_differences(diff)
    assert "no differences" in to_text(diff)


def test_directions_know_rmse_is_lower_better(results, changed):
    diff = compare(side(results, "a"), side(changed, "b"))
    verdicts = {(m["model"], m["split"], m["metric"]): m["verdict"] for m in diff["metrics"]}
    assert verdicts[("ridge", "test", "rmse")] == "better"
    assert verdicts[("mlp", "test", "accuracy")] == "worse"
    assert len(diff["metrics"]) == 2
    assert any_worse(diff)
    assert diff["best_params"][0]["new"] == {"alpha": 10.0}
    assert diff["confusion"][0]["cells"] == [
        {
            "true": 3,
            "pred": 5,
            "old": results["models"]["mlp"]["tuned"]["confusion_matrix"][3][5],
            "new": changed["models"]["mlp"]["tuned"]["confusion_matrix"][3][5],
            "delta": 2,
        }
    ]
    assert {"key": "data.seed", "old": 42, "new": 7} in diff["config"]
    assert diff["warnings"]["added"][0]["model"] == "mlp"


def test_a_run_from_before_divide_by_255_compares_as_all_standardised(results):
    new = copy.deepcopy(results)
    new["config"]["data"]["divide_by_255"] = []
    for m in new["models"].values():
        m["preprocessing"] = "standard_scaler"
    old = copy.deepcopy(new)
    del old["config"]["data"]["divide_by_255"]
    for m in old["models"].values():
        del m["preprocessing"]
    old = parse_results(json.dumps(old))  # as reportgen reads any results.json
    assert not has_differences(compare(side(old), side(new)))


def test_tolerance_hides_noise(results, changed):
    diff = compare(side(results), side(changed), tolerance=0.5)
    assert diff["metrics"] == []


def test_text_fits_100_columns_and_other_formats(results, changed):
    diff = compare(side(results, "a" * 150), side(changed, "b"))
    text = to_text(diff)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "better" in text and "worse" in text
    assert "| MLPClassifier |" in to_markdown(diff)
    page = to_html(diff)
    assert "class='worse'" in page and "class='better'" in page
    rows = list(csv.DictReader(io.StringIO(to_csv(diff))))
    metrics = [r for r in rows if r["part"] == "Metrics"]
    assert len(metrics) == len(diff["metrics"])
    assert [r["verdict"] for r in metrics] == [m["verdict"] for m in diff["metrics"]]
    assert all("model=" in r["item"] and r["old"] and r["new"] and r["delta"] for r in metrics)
    titles = {
        "dataset": "Data set", "config": "Config", "environment": "Library versions",
        "metrics": "Metrics", "best_params": "Best parameters",
        "confusion": "Confusion-matrix cells", "text": "Report text",
    }  # fmt: skip
    shown = {title for part, title in titles.items() if diff[part]}
    shown |= {"Warnings"} if diff["warnings"]["added"] or diff["warnings"]["removed"] else set()
    assert {r["part"] for r in rows} == shown  # every part of the diff, as in the other formats


def test_html_text_extracts_blocks():
    html = (
        "<html><head><style>p{}</style></head><body><h1>Rubrik</h1><p>Ett <b>två</b></p>"
        "<table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )
    assert html_text(html) == ["Rubrik", "Ett två", "a | b"]


def write_run(folder, r):
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(dumps(r), encoding="utf-8")
    return str(folder)


def test_cli_exit_codes_and_fail_on_worse(tmp_path, results, changed, capsys):
    a = write_run(tmp_path / "a", results)
    same = write_run(tmp_path / "same", results)
    b = write_run(tmp_path / "b", changed)
    assert main(["diff", a, same]) == 0
    assert "no differences" in capsys.readouterr().out
    assert main(["diff", a, b]) == 1
    out = capsys.readouterr().out
    assert "Metrics" in out and "Report text" in out  # the rendered text changed too
    assert main(["diff", a, b, "--fail-on", "worse"]) == 1
    better = copy.deepcopy(results)
    better["models"]["ridge"]["tuned"]["test"]["rmse"] -= 0.1
    c = write_run(tmp_path / "c", better)
    assert main(["diff", a, c, "--fail-on", "worse"]) == 0
    capsys.readouterr()
    assert main(["diff", a, str(tmp_path / "c" / "results.json"), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["metrics"][0]["verdict"] == "better"


def test_cli_errors_are_exit_2(tmp_path, results, capsys):
    a = write_run(tmp_path / "a", results)
    assert main(["diff", a, str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["diff", a, str(tmp_path / "empty")]) == 2
    fake = tmp_path / "plain.pdf"
    fake.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert main(["diff", a, str(fake)]) == 2
    assert "PDF" in capsys.readouterr().err


def test_a_swedish_and_an_english_build_differ_in_language_and_text_only(tmp_path, results, capsys):
    english = copy.deepcopy(results)
    english["config"]["report"]["lang"] = "en"
    a = write_run(tmp_path / "sv", results)
    b = write_run(tmp_path / "en", english)
    assert main(["diff", a, b, "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert found["metrics"] == [] and found["best_params"] == [] and found["confusion"] == []
    assert [c["key"] for c in found["config"]] == ["report.lang"]
    assert found["text"]  # the words are another language's
