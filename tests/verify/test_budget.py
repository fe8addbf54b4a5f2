"""A submission cannot stop the class: its templates render in a child process under a budget of
time and memory; past it, that submission's verdict is an error naming the budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.bundle.manifest import attachments_for
from reportgen.environments.budget import Budget, BudgetExceeded, run_budgeted
from reportgen.report.pdf import render_environment
from reportgen.results import parse_results

from ..helpers import report_pdf, run_verify

# each renders for hours (99999² iterations) or folds a 200 MB constant (780 MB at compile time)
ENDLESS = "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
FOLDED = "{% set s = 'xy' * 100000000 %}<p>ok</p>"


def _with_template(built: Path, folder: Path, text: str) -> Path:
    """The built report with an attached introduction template swapped for `text`, the
    manifest resealed to match."""
    results = parse_results((built / "results.json").read_text(encoding="utf-8"))
    files = attachments_for(results, {"sv/introduction.html": text}, render_environment())
    return report_pdf(results, folder, attachments=files)


def test_a_child_past_its_time_is_stopped():
    budget = Budget(seconds=1, memory_bytes=Budget.memory_bytes)
    with pytest.raises(BudgetExceeded, match="its templates took more than 1 s to render"):
        run_budgeted(["sleep", "30"], budget, "its templates")


def test_an_endless_template_is_that_submission_s_error_and_the_class_goes_on(
    built, tmp_path, monkeypatch
):
    monkeypatch.setenv("REPORTGEN_RENDER_SECONDS", "20")
    endless = _with_template(built, tmp_path / "endless", ENDLESS)
    code, report, _ = run_verify(str(endless), str(built / "report.pdf"))
    verdicts = {Path(e["path"]).parent.name: e for e in report["submissions"]}
    assert verdicts["out"]["verdict"] == "reproduced", verdicts["out"]
    stopped = verdicts["endless"]
    assert stopped["verdict"] == "error", stopped
    assert any("its templates took more than 20 s to render" in d for d in stopped["details"])
    assert code != 0


def test_a_template_folding_a_huge_constant_is_stopped_by_the_memory_budget(
    built, tmp_path, monkeypatch
):
    monkeypatch.setenv("REPORTGEN_RENDER_MB", "500")  # an honest render needs < 400 MB
    folded = _with_template(built, tmp_path / "folded", FOLDED)
    code, report, console = run_verify(str(folded))
    # one submission alone: its error is the command's one line (exit 2)
    assert code == 2 and not report, console
    assert "its templates took more than 500 MB of memory to render" in console, console
    assert "Traceback" not in console
