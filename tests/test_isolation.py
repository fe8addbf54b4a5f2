"""Two builds in one process (a class batch, an app) leak nothing into each other:
no date, no warning handler or filter, no environment variable, no BLAS setting."""

from __future__ import annotations

import dataclasses
import os
import warnings

import pytest

from reportgen import pipeline
from reportgen.analysis.cache import ResultCache


def _quiet(*args, **kwargs):
    pass


def _process_state() -> dict:
    from threadpoolctl import threadpool_info

    return {
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
        "showwarning": warnings.showwarning,
        "filters": list(warnings.filters),
        "blas threads": [p["num_threads"] for p in threadpool_info()],
    }


@pytest.mark.slow
def test_two_builds_in_one_process_keep_to_their_own_config(tmp_path, fast_config, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = dataclasses.replace(fast_config.data, dataset="sample", n_samples=300)
    dated = dataclasses.replace(fast_config, data=data)
    report = dataclasses.replace(fast_config.report, date="", author="B")
    tuning = dataclasses.replace(fast_config.tuning, n_jobs=2)
    undated = dataclasses.replace(
        fast_config,
        report=report,
        data=dataclasses.replace(data, seed=7),
        tuning=tuning,
        # a grid that cannot converge: the second build raises ConvergenceWarnings
        grids={**fast_config.grids, "logreg": {"C": [1.0], "max_iter": [2]}},
    )
    # what a first build imports (scikit-learn, SciPy, WeasyPrint) adds its own warning filters
    # and BLAS libraries once; the state compared is the one after those imports
    import sklearn.linear_model  # noqa: F401
    import sklearn.neural_network  # noqa: F401
    import weasyprint  # noqa: F401

    import reportgen.analysis.fit  # noqa: F401
    import reportgen.report.figures  # noqa: F401

    before = _process_state()
    _, first, _ = pipeline.build(dated, tmp_path / "a", _quiet, ResultCache(enabled=False))
    assert _process_state() == before
    _, second, _ = pipeline.build(undated, tmp_path / "b", _quiet, ResultCache(enabled=False))
    assert _process_state() == before

    assert first.report_date == "2026-01-15"
    assert second.report_date == ""  # the first build's date did not stay in the environment
    assert second.config.data.seed == 7 and second.config.report.author == "B"
    assert not [w for w in first.warnings if w.model == "logreg"]
    logreg = [(w.phase, w.category) for w in second.warnings if w.model == "logreg"]
    assert ("tuned", "ConvergenceWarning") in logreg  # the second build's, and only there
    html = (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert "dcterms.created" not in html  # an undated report says no date

    # the same config again in the same process gives the same bytes
    again = tmp_path / "a2"
    pipeline.build(dated, again, _quiet, ResultCache(enabled=False))
    for name in ("results.json", "report.pdf"):
        assert (again / name).read_bytes() == (tmp_path / "a" / name).read_bytes(), name


def test_warnings_of_another_thread_are_not_recorded():
    import threading

    from reportgen.analysis.warning_log import recorded

    seen_elsewhere: list[str] = []

    def other():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn("from another thread", UserWarning, stacklevel=1)
        seen_elsewhere.extend(str(w.message) for w in caught)

    with recorded() as mine:
        warnings.warn("mine", UserWarning, stacklevel=1)
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert [str(w.message) for w in mine] == ["mine"]
    assert seen_elsewhere == ["from another thread"]


@pytest.mark.parametrize("date", ["2026-01-15", ""])
def test_the_pdf_date_is_scoped_to_its_own_write(tmp_path, results_data, date, monkeypatch):
    from reportgen.report.figures import save_figures
    from reportgen.report.html import write_report
    from reportgen.results import Results

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    results_data["report_date"] = date
    results = Results.model_validate(results_data)
    save_figures(results, tmp_path / "figures")
    write_report(results, tmp_path)
    assert "SOURCE_DATE_EPOCH" not in os.environ
