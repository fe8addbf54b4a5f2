"""reportgen compare: many runs side by side, the confusion-delta heatmap (also in diff's HTML),
every format, unreadable runs, the baseline, and same inputs -> same bytes."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from reportgen.cli import main
from reportgen.compare.confusion import STYLE, delta, legend, level
from reportgen.report.heatmap import contrast
from reportgen.results import read_results


class _Heatmaps(HTMLParser):
    """Every heatmap table of a page: {data-heatmap: ({(true, pred): text}, caption)}."""

    def __init__(self) -> None:
        super().__init__()
        self.maps: dict[str, tuple[dict[tuple[int, int], str], str]] = {}
        self.key = ""
        self.cell: tuple[int, int] | None = None
        self.in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-heatmap" in a:
            self.key = a["data-heatmap"]
            self.maps[self.key] = ({}, "")
        elif tag == "td" and self.key and "data-true" in a:
            self.cell = (int(a["data-true"]), int(a["data-pred"]))
        elif tag == "caption" and self.key:
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag == "table":
            self.key = ""
        elif tag in ("td", "caption"):
            self.cell, self.in_caption = None, False

    def handle_data(self, data):
        cells, caption = self.maps.get(self.key, ({}, ""))
        if self.cell is not None:
            cells[self.cell] = cells.get(self.cell, "") + data
        elif self.in_caption:
            self.maps[self.key] = (cells, caption + data)


def heatmaps(page: str) -> dict[str, tuple[dict[tuple[int, int], int], str]]:
    parser = _Heatmaps()
    parser.feed(page)
    return {
        k: ({ij: int(t.replace("−", "-")) for ij, t in cells.items()}, caption)
        for k, (cells, caption) in parser.maps.items()
    }


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else str(n).replace("-", "−")


def _expected_heatmap(a: list[list[int]], b: list[list[int]]):
    cells = {(i, j): b[i][j] - a[i][j] for i in range(10) for j in range(10)}
    diagonal = sum(cells[i, i] for i in range(10))
    off = sum(cells.values()) - diagonal
    sums = (
        f"correct answers (diagonal) {_signed(diagonal)}, errors (off the diagonal) {_signed(off)}"
    )
    return cells, sums


def test_the_heatmap_is_b_minus_a_cell_by_cell_and_its_caption_sums_match(real_runs, tmp_path):
    a_dir, b_dir = real_runs
    a, b = read_results(a_dir), read_results(b_dir)
    ma, mb = a.models["mlp"].tuned.confusion_matrix, b.models["mlp"].tuned.confusion_matrix
    assert ma != mb, "the two real runs' MLPs must differ"
    assert a.models["logreg"].tuned.confusion_matrix == b.models["logreg"].tuned.confusion_matrix
    cells, sums = _expected_heatmap(ma, mb)
    page = tmp_path / "compare.html"
    assert main(["compare", str(a_dir), str(b_dir), "--output", str(page)]) == 0
    maps = heatmaps(page.read_text(encoding="utf-8"))
    got, caption = maps[f"mlp:{b_dir.name}"]
    assert got == cells
    assert sums in caption and f"{b_dir.name} minus {a_dir.name}" in caption
    assert all(x == 0 for x in maps[f"logreg:{b_dir.name}"][0].values())
    # diff's HTML shows the same heatmap, from the same code
    diff_page = tmp_path / "diff.html"
    assert main(["diff", str(a_dir), str(b_dir), "--format", "html", "--output", str(diff_page)])
    got, caption = heatmaps(diff_page.read_text(encoding="utf-8"))["mlp:tuned"]
    assert got == cells and sums in caption


def test_the_colour_scale_diverges_around_zero():
    assert level(0, 10) == "h0"
    assert level(10, 10) == "hp5" and level(-10, 10) == "hm5"
    assert level(1, 10) == "hp1" and level(-3, 10) == "hm2"
    for largest in (1, 2, 7, 50):  # each value's colour is in the legend, labelled by its top
        shown = dict(re.findall(r"<td class='(\w+)'>([^<]+)</td>", legend(largest)))
        for n in range(-largest, largest + 1):
            top = int(shown[level(n, largest)].replace("−", "-"))
            assert abs(n) <= abs(top) and (n == 0 or (n > 0) == (top > 0))
    assert list(re.findall(r"<td class='\w+'>([^<]+)</td>", legend(2))) == [
        "−2", "−1", "0", "+1", "+2"
    ]  # fmt: skip
    for background, text in re.findall(r"td\.h\w+\{background:(#\w+);color:(#\w+)\}", STYLE):
        assert contrast(background, text) >= 4.5  # every count reads on its colour
    assert len(re.findall(r"td\.h\w+\{background", STYLE)) == 11
    d = delta([[5, 1], [0, 4]], [[3, 3], [1, 3]])
    assert d.cells == [[-2, 2], [1, -1]] and (d.diagonal, d.off_diagonal) == (-3, 3)


def _json(args: list[str], capsys) -> tuple[int, dict]:
    code = main(["compare", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_many_runs_show_only_what_differs_best_marked_ordered_by_seed(many_runs, capsys):
    code, data = _json([str(many_runs / "*")], capsys)
    assert code == 0
    assert [r["name"] for r in data["runs"]] == [f"run-{i:02d}" for i in range(12)]
    columns = data["columns"]
    assert "config.data.seed" in columns and "config.grids.mlp.hidden_layer_sizes" in columns
    assert "mlp.tuned.accuracy" in columns and "ridge.tuned.rmse" in columns
    assert "version.python" not in columns and "config.data.split" not in columns
    accuracies = [r["mlp.tuned.accuracy"] for r in data["rows"]]
    rmses = [r["ridge.tuned.rmse"] for r in data["rows"]]
    assert data["best"]["mlp.tuned.accuracy"] == max(accuracies)
    assert data["best"]["ridge.tuned.rmse"] == min(rmses)
    assert data["order_by"] == "config.data.seed"
    every = main(["compare", str(many_runs / "*"), "--format", "json", "--all"])
    assert every == 0
    assert "version.python" in json.loads(capsys.readouterr().out)["columns"]
    # a folder of runs stands for its runs, as the glob does
    _, by_folder = _json([str(many_runs)], capsys)
    assert by_folder["rows"] == data["rows"]


def test_the_baseline_is_the_first_unless_named(many_runs, capsys):
    runs = [str(p) for p in sorted(many_runs.iterdir())[:4]]
    _, first = _json(runs, capsys)
    _, third = _json([*runs, "--baseline", "run-02"], capsys)
    assert first["baseline"] == "run-00" and third["baseline"] == "run-02"
    mats = {p.name: read_results(p).models["mlp"].tuned.confusion_matrix for p in map(Path, runs)}
    for entry in third["confusion"]["mlp"]:
        expected = delta(mats["run-02"], mats[entry["run"]])
        assert entry["delta"] == expected.cells and entry["diagonal"] == expected.diagonal


def test_a_run_that_cannot_be_read_is_one_line_and_the_others_go_on(many_runs, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "results.json").write_text("{", encoding="utf-8")
    runs = [
        str(many_runs / "run-00"),
        str(broken),
        str(tmp_path / "absent"),
        str(many_runs / "run-01"),
    ]
    code = main(["compare", *runs, "--format", "csv"])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.err.splitlines()
    assert len(lines) == 2 and all(x.startswith("reportgen: skipped ") for x in lines)
    assert "broken" in lines[0] and "absent" in lines[1]
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert [r["run"] for r in rows] == ["run-00", "run-01"]


def test_fewer_than_two_runs_is_one_line_exit_2(many_runs, tmp_path, capsys):
    assert main(["compare", str(many_runs / "run-00"), str(tmp_path / "nothing-*")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("reportgen: error: compare needs two runs or more, 1 could be read")


def test_text_markdown_and_csv_hold_the_runs_values(many_runs, capsys):
    runs = [str(many_runs / f"run-0{i}") for i in range(3)]
    assert main(["compare", *runs, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    results = [read_results(Path(r)) for r in runs]
    assert [float(r["mlp.tuned.accuracy"]) for r in rows] == [
        x.models["mlp"].tuned.test.accuracy for x in results
    ]
    assert [int(r["config.data.seed"]) for r in rows] == [1, 2, 3]
    assert main(["compare", *runs, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert "| run |" in markdown and "★" in markdown and "run-00 (baseline)" in markdown
    assert main(["compare", *runs, "--format", "text"]) == 0
    assert "3 runs, baseline run-00" in capsys.readouterr().out


def test_the_page_is_offline_captioned_and_the_same_bytes_twice(many_runs, tmp_path):
    pages = []
    for n in (1, 2):
        out = tmp_path / f"page{n}.html"
        assert main(["compare", str(many_runs / "*"), "--output", str(out)]) == 0
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
    page = pages[0].decode("utf-8")
    assert "http://" not in page and "https://" not in page and "<img" not in page
    assert page.count("<table") == page.count("<caption>")
    assert page.count("<svg") == page.count("<desc") == page.count("<figcaption>") == 10
    assert "<details>" not in page  # 12 runs: every heatmap open, matrices side by side
    assert page.count("table class='heat small'") == 2 * 12


def test_a_report_pdf_a_run_folder_and_a_results_json_compare(previous_build, many_runs, capsys):
    out, _ = previous_build
    pdf, folder, file = (
        out / "report.pdf",
        many_runs / "run-00",
        many_runs / "run-01" / "results.json",
    )
    code, data = _json([str(pdf), str(folder), str(file), "--all"], capsys)
    assert code == 0
    assert [r["name"] for r in data["runs"]] == ["report", "run-00", "run-01"]
    attached = read_results(out)  # the PDF carries the run's results.json
    assert data["rows"][0]["mlp.tuned.accuracy"] == attached.models["mlp"].tuned.test.accuracy


def test_a_run_named_like_a_formula_is_text_in_csv(many_runs, tmp_path, capsys):
    """A run's label is its folder's name: a spreadsheet never runs it (tables.spreadsheet_safe)."""
    import shutil

    evil = tmp_path / "=1+2"
    shutil.copytree(many_runs / "run-00", evil)
    assert main(["compare", str(evil), str(many_runs / "run-01"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["run"] for r in rows][0].startswith("'=1+2")
    assert float(rows[0]["mlp.tuned.accuracy"]) > 0  # numbers stay numbers
