"""The page of `reportgen compare` in a real browser (Debian's chromium driven by playwright):
it opens from a file, loads nothing else, sorts the runs by a column, and a heatmap's cell
reads the change of its confusion-matrix cell. The screenshot goes to $REPORTGEN_SCREENSHOTS
or the test's temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.compare.confusion import signed
from reportgen.results import read_results

from ..helpers import chromium_browser


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def _runs_column(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-runs] tbody tr", "rows => rows.map(r => r.cells[0].dataset.sort)"
    )


def test_the_page_sorts_by_a_column_and_reads_a_heatmap_cell(many_runs, browser, tmp_path):
    runs = sorted(many_runs.iterdir())[:5]
    page_file = tmp_path / "compare.html"
    assert main(["compare", *map(str, runs), "--output", str(page_file)]) == 0
    results = {p.name: read_results(p) for p in runs}
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(page_file.as_uri())
    assert _runs_column(page) == [p.name for p in runs]

    accuracy = {name: r.models["mlp"].tuned.test.accuracy for name, r in results.items()}
    heading = page.locator("[data-runs] th", has_text="mlp.tuned.accuracy")
    heading.click()
    assert heading.get_attribute("aria-sort") == "ascending"
    assert _runs_column(page) == sorted(accuracy, key=lambda n: accuracy[n])
    heading.click()
    assert heading.get_attribute("aria-sort") == "descending"
    assert _runs_column(page) == sorted(accuracy, key=lambda n: -accuracy[n])

    base = results[runs[0].name].models["mlp"].tuned.confusion_matrix
    other = results[runs[3].name].models["mlp"].tuned.confusion_matrix
    for i, j in ((3, 3), (3, 4), (0, 1)):
        cell = page.locator(
            f"table[data-heatmap='mlp:{runs[3].name}'] td[data-true='{i}'][data-pred='{j}']"
        )
        assert cell.inner_text() == signed(other[i][j] - base[i][j])
    assert any(other[i][i] != base[i][i] for i in range(10))  # the cells read are not all 0

    shots = Path(os.environ.get("REPORTGEN_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "compare-5.png"), full_page=True)
    assert outside == []
    page.close()
