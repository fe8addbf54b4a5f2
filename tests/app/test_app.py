"""Every page of the app with Streamlit's AppTest, on two real runs of one output folder."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from reportgen.cli import main

from ..helpers import BUILD_ARGS, write_fast_toml

APP = Path(__file__).resolve().parents[2] / "reportgen" / "app"


@pytest.fixture(scope="module")
def app_out(tmp_path_factory) -> Path:
    """OUT with two runs: the fast config with seed 42, then with seed 7."""
    tmp = tmp_path_factory.mktemp("app")
    config = write_fast_toml(tmp / "fast.toml")
    for seed in ("42", "7"):
        argv = ["build", "--config", config, *BUILD_ARGS, "--seed", seed, "--out", str(tmp / "out")]
        assert main(argv) == 0
    return tmp / "out"


@pytest.fixture
def page(app_out, monkeypatch):
    """page(name) -> an AppTest of that page that has run once, on app_out."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("REPORTGEN_APP_OUT", str(app_out))

    def run(name: str):
        at = AppTest.from_file(str(APP / f"page_{name}.py"), default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def _runs(out: Path):
    from reportgen.app.runs_view import list_runs

    return list_runs(out)


def test_the_runs_page_lists_every_run(page, app_out):
    at = page("runs")
    table = at.dataframe[0].value
    runs = _runs(app_out)
    assert list(table["Körning"]) == [r.id for r in runs] and len(runs) == 2
    assert sorted(table["Frö"]) == [7, 42]
    report = (runs[0].folder / "report.html").read_text(encoding="utf-8")
    # the app writes the tuned MLP's test accuracy as the run's report does
    assert f'<td class="num">{table["MLPClassifier"].iloc[0]}</td>' in report


def test_a_chosen_runs_tables_equal_its_results(page, app_out):
    at = page("results")
    run = _runs(app_out)[0]  # the newest is chosen first
    models = at.dataframe[0].value
    report = (run.folder / "report.html").read_text(encoding="utf-8")
    for i, key in enumerate(run.results.models):
        shown = models["Optimerad, test"].iloc[i]  # as the run's (Swedish) report writes it
        assert f'<td class="num">{shown}</td>' in report, key
    candidates = at.dataframe[1].value
    first = run.results.models["linear"].tuned.candidates
    assert list(candidates["Rang"]) == [c.rank for c in first]
    at.selectbox(key="cand_model").set_value("mlp").run()
    assert len(at.dataframe[1].value) == len(run.results.models["mlp"].tuned.candidates)
    per_class = at.dataframe[2].value
    assert list(per_class["Siffra"]) == list(range(10))
    assert at.get("download_button")  # the report PDF


def test_the_comparison_is_reportgens_diff(page):
    at = page("compare")
    text = "\n".join(m.value for m in at.markdown)
    assert "### Config" in text and "| data.seed |" in text
    assert "| data.seed | 42 | 7 |" in text or "| data.seed | 7 | 42 |" in text


def test_the_comparison_shows_compares_page_for_two_runs_or_more(page, app_out):
    from reportgen.compare.confusion import delta, signed
    from reportgen.results import read_results

    at = page("compare")
    chosen = at.multiselect(key="cmp_runs").value
    assert len(chosen) == 2
    frames = [e for e in at.main if type(e).__name__ == "UnknownElement" and e.type == "iframe"]
    assert len(frames) == 1
    html = frames[0].proto.srcdoc
    assert "reportgen compare: 2 runs" in html and "data-heatmap='mlp:" in html
    a, b = (read_results(app_out / "runs" / run) for run in chosen)
    d = delta(a.models["mlp"].tuned.confusion_matrix, b.models["mlp"].tuned.confusion_matrix)
    assert f"{chosen[1]} minus {chosen[0]}" in html
    assert f"errors (off the diagonal) {signed(d.off_diagonal)}" in html


def _png(pixels: np.ndarray) -> bytes:
    """An MNIST digit as a scan: dark ink on white, ten times larger."""
    from PIL import Image

    big = np.kron(255 - pixels.reshape(28, 28), np.ones((10, 10))).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(big).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_test_digit_and_its_upload_give_the_right_digit(page, app_out):
    from reportgen.app.runs_view import split_images

    at = page("draw")
    at.radio(key="draw_source").set_value("testbild").run()
    pixels, labels = split_images(_runs(app_out)[0])["test"]
    right, said = 0, []
    for index in range(6):
        at.number_input(key="test_index").set_value(index).run()
        said.append(dict(at.session_state["last_prediction"]))
        right += said[-1]["mlp"] == labels[index]
    assert right >= 4  # the fast MLP (16 units, 300 digits) is right most of the time
    # each test digit uploaded as a PNG goes through MNIST's own preparation (crop, 20x20, centre
    # of mass): a digit already made that way stays itself, and each model says the same
    at.radio(key="draw_source").set_value("ladda upp").run()
    for index in range(3):
        upload = ("siffra.png", _png(pixels[index]), "image/png")
        at.file_uploader(key="upload").set_value(upload).run()
        assert not at.exception
        uploaded = at.session_state["last_prediction"]
        assert (uploaded["mlp"], uploaded["logreg"]) == (said[index]["mlp"], said[index]["logreg"])
