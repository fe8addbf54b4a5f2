"""reportgen/numbers.py: every number in Swedish and English, and one spelling per language in
every output (the report, the console, a diff, the class summary, the app)."""

from __future__ import annotations

import copy
import math
import re
from types import SimpleNamespace

import pytest

from reportgen import numbers
from reportgen.metrics import METRICS, is_accuracy
from reportgen.numbers import (
    decimal_number,
    delta,
    integer,
    measure,
    metric,
    pair,
    param,
    params,
    percent,
    points,
    scientific,
)
from reportgen.results import Results

NB = "\u00a0"
MINUS = "\u2212"


def test_fixed_point_numbers_in_each_language():
    assert decimal_number(1234.5678, "sv") == f"1{NB}234,57"
    assert decimal_number(1234.5678, "en") == "1,234.57"
    assert decimal_number(-1.5, "sv", 1) == f"{MINUS}1,5"
    assert decimal_number(-1.5, "en", 1) == "-1.5"
    assert decimal_number(0.25, "sv", 2, signed=True) == "+0,25"
    assert integer(70000, "sv") == f"70{NB}000" and integer(70000, "en") == "70,000"
    assert integer(-5, "sv") == f"{MINUS}5"


def test_a_value_that_reads_zero_has_no_minus():
    assert decimal_number(-0.001, "sv") == "0,00" and decimal_number(-0.0, "en") == "0.00"
    assert decimal_number(-0.001, "en", signed=True) == "±0.00"
    assert percent(-0.00001, "sv") == f"0,0{NB}%"
    assert points(-0.00001, "en") == "±0.0"


def test_rounding_at_a_half_is_to_even_on_the_floats_exact_value():
    # Python's own format rounds so, and the report always has: 2.675 is 2.67499999999999982...
    assert decimal_number(2.675, "en") == "2.67" == f"{2.675:.2f}"
    assert decimal_number(1.125, "en") == "1.12"  # exactly a half: to even
    assert decimal_number(1.375, "en") == "1.38"
    assert decimal_number(-1.125, "sv") == f"{MINUS}1,12"
    assert decimal_number(0.5, "en", 0) == "0" and decimal_number(1.5, "en", 0) == "2"
    # a share: the percentage as Python computes it, 0.575 x 100 = 57.49999999999999
    assert percent(0.575, "en", 0) == "57%" and percent(0.125, "en", 0) == "12%"
    assert percent(0.6125, "sv") == f"61,3{NB}%"  # 61.25000000000001
    for value in (0.005, 0.015, 0.025, 2.345, 9.995, 1e-7, 123456.785):
        assert decimal_number(value, "en", 2, False).replace(",", "") == f"{value:.2f}"


def test_percentages_and_points():
    assert percent(0.975, "sv") == f"97,5{NB}%" and percent(0.975, "en") == "97.5%"
    assert percent(1.0, "sv", 0) == f"100{NB}%" and percent(0.12345, "en", 2) == "12.35%"
    assert percent(-0.031, "sv") == f"{MINUS}3,1{NB}%"
    assert points(0.006, "sv") == "+0,6" and points(-0.0321, "en") == "-3.2"
    assert points(0.006, "en", signed=False) == "0.6"


def test_scientific_notation_and_its_one_threshold():
    assert numbers.SCI_ABOVE == 1e4
    assert measure(1e4, "sv") == f"10{NB}000,00"  # at the threshold: still fixed-point
    assert measure(10000.01, "sv") == "1,0·10⁴"
    assert measure(1e5, "en") == "1.0·10⁵"
    assert measure(7.9e9, "sv") == "7,9·10⁹" and measure(7.9e9, "en") == "7.9·10⁹"
    assert measure(1e12, "sv") == "1,0·10¹²" and measure(-4.56e12, "sv") == f"{MINUS}4,6·10¹²"
    assert measure(9.96e9, "en") == "1.0·10¹⁰"  # the mantissa carries into the exponent
    assert scientific(0.000123, "en") == "1.2·10⁻⁴" and scientific(0.000123, "sv") == "1,2·10⁻⁴"
    assert scientific(0.0, "sv") == "0,0"
    # a mantissa rounds as a fixed-point number does, on the float's exact value (0.225 is
    # 0.2250000000000000055...); the old hand-made notation divided first and wrote 2,2·10⁻¹
    assert scientific(0.225, "sv") == "2,3·10⁻¹" and decimal_number(0.225, "sv") == "0,23"
    assert scientific(245000.0, "en") == "2.4·10⁵"  # exactly a half: to even


def test_a_missing_or_non_finite_value_reads_as_a_dash():
    for value in (None, math.nan, math.inf, -math.inf):
        assert metric("rmse", value, "sv") == "–" and metric("accuracy", value, "en") == "–"
        assert delta("rmse", value, "en", "diff") == "–"


def test_metrics_their_changes_and_the_purposes_unit():
    assert metric("rmse", 1.81545, "sv") == "1,82" and metric("rmse", 1.81545, "en") == "1.82"
    assert metric("accuracy", 0.924, "sv") == f"92,4{NB}%"
    assert metric("rounded_accuracy", 0.924, "en", "diff") == "92.4%"
    assert metric("rmse", 123456.0, "en", "app") == "1.2·10⁵"
    assert delta("rmse", -0.5, "sv") == f"{MINUS}0,50" and delta("rmse", 0.5, "en") == "+0.50"
    assert delta("rmse", 3e5, "en", "diff") == "+3.0·10⁵"
    assert delta("accuracy", 0.006, "sv") == f"+0,6{NB}procentenheter"
    assert delta("accuracy", 0.006, "en") == f"+0.6{NB}percentage points"
    assert delta("accuracy", -0.006, "sv", "diff") == f"{MINUS}0,6{NB}p.e."
    assert delta("accuracy", -0.006, "en", "console") == f"-0.6{NB}pp"
    with pytest.raises(ValueError, match="unknown purpose"):
        metric("rmse", 1.0, "en", "email")
    with pytest.raises(ValueError, match="unknown language"):
        metric("rmse", 1.0, "de")


def test_the_report_spells_the_unit_as_its_catalog_does():
    from reportgen.report.language import language

    for lang in ("sv", "en"):
        assert language(lang).pp(0.006) == delta("accuracy", 0.006, lang, "report")


def test_numbers_knows_every_metric_and_which_are_shares():
    assert {m for m in METRICS if is_accuracy(m)} == numbers.SHARES
    assert all(numbers.is_share(m) == is_accuracy(m) for m in METRICS)


def test_a_pair_tells_two_different_values_apart_with_the_fewest_extra_digits():
    assert pair("rmse", 1.8154, 2.5, "en", "diff") == ("1.82", "2.50", "+0.68")
    assert pair("rmse", 1.8154, 1.8161, "en", "diff") == ("1.815", "1.816", "+0.001")
    assert pair("rmse", 1.81541, 1.81542, "en", "diff") == ("1.81541", "1.81542", "+0.00001")
    assert pair("rmse", 1.8, 1.8, "sv", "diff") == ("1,80", "1,80", "±0,00")
    assert pair("accuracy", 0.99, 0.9901, "en", "diff") == ("99.00%", "99.01%", f"+0.01{NB}pp")
    # no more than MORE_DIGITS extra decimals, however close
    old, new, _ = pair("rmse", 1.0, 1.0 + 1e-12, "en", "diff")
    assert old == new == "1.000000"


def test_parameters_read_as_python_writes_them():
    assert [param(v) for v in (0.01, 1000.0, [256], (16, 8), True, "relu", None)] == [
        "0.01",
        "1000.0",
        "(256,)",
        "(16, 8)",
        "True",
        "'relu'",
        "None",
    ]
    assert params({"alpha": 0.0001, "hidden_layer_sizes": [16]}) == (
        "alpha=0.0001, hidden_layer_sizes=(16,)"
    )


# -- one spelling per language in every output ---------------------------------------------

# 2.675 is just below a half in binary (2.67); 0.9525 x 100 is 95.25 exactly: to even, 95.2
RMSE, ACCURACY = 2.675, 0.9525


def _with(results_data: dict, lang: str, rmse: float, accuracy: float) -> Results:
    data = copy.deepcopy(results_data)
    data["config"]["report"]["lang"] = lang
    data["models"]["ridge"]["tuned"]["test"]["rmse"] = rmse
    data["models"]["mlp"]["tuned"]["test"]["accuracy"] = accuracy
    return Results.model_validate(data)


def _console(results: Results) -> dict[str, str]:
    from reportgen.pipeline import summary_table

    run = SimpleNamespace(
        fit_seconds={k: SimpleNamespace(cached=True, total_seconds=0.0) for k in results.models}
    )
    lines = summary_table(results, run).splitlines()
    found = {}
    for key in ("ridge", "mlp"):
        name = results.models[key].name
        line = next(x for x in lines if x.startswith(name + " "))
        # the columns: model (22), metric (14), default (10), tuned (10)
        found[key] = line[46:56].strip()
    return found


def _app(results: Results, lang: str) -> dict[str, str]:
    from reportgen.app.runs_view import Run, summary_rows
    from reportgen.report.context import model_names
    from reportgen.report.language import language

    names = model_names(language(lang))
    row = summary_rows([Run("r", None, results, "")], language(lang))[0]
    return {key: row[names[key]] for key in ("ridge", "mlp")}


def _summary(results: Results) -> dict[str, str]:
    import csv
    import io

    from reportgen.verify.batch import facts
    from reportgen.verify.formats import to_csv

    entry = {"path": "a.pdf", "verdict": "reproduced", "facts": facts(results)}
    row = next(csv.DictReader(io.StringIO(to_csv({"submissions": [entry]}))))  # summary.csv
    return {key: row[key] for key in ("ridge", "mlp")}


def _diff(old: Results, new: Results) -> dict[str, str]:
    from reportgen.compare.diff import compare
    from reportgen.compare.formats import to_markdown
    from reportgen.compare.sources import Side

    text = to_markdown(compare(Side("a", old, ["t"]), Side("b", new, ["t"])))
    found = {}
    for key, name in (("ridge", "rmse"), ("mlp", "accuracy")):
        label = old.models[key].name
        line = next(
            x for x in text.splitlines() if x.startswith(f"| {label} | tuned | test | {name}")
        )
        found[key] = [c.strip() for c in line.strip("|").split("|")][4]  # the old value
    return found


def _report(results: Results) -> str:
    from reportgen.report.html import render_html

    return render_html(results)


@pytest.mark.parametrize(
    ("lang", "rmse", "accuracy"),
    [("sv", "2,67", f"95,2{NB}%"), ("en", "2.67", "95.2%")],
)
def test_one_metric_reads_the_same_in_every_output(results_data, lang, rmse, accuracy):
    results = _with(results_data, lang, RMSE, ACCURACY)
    spelled = {"console": _console(results), "app": _app(results, lang)}
    if lang == "en":  # a diff and verify's class summary write English, as their words are
        other = _with(results_data, lang, RMSE + 1, ACCURACY - 0.1)
        spelled |= {"diff": _diff(results, other), "summary": _summary(results)}
    for key, want in (("ridge", rmse), ("mlp", accuracy)):
        found = {output: shown[key] for output, shown in spelled.items()}
        assert set(found.values()) == {want}, (key, found)
    html = _report(results)
    assert f'<td class="num">{rmse}</td>' in html and f'<td class="num">{accuracy}</td>' in html
    assert re.search(rf"Ridge [^;]* {re.escape(rmse)}[;\"]", html), "the figure's alt text"
