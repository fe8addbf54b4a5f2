"""The class summary's pages from a verified class (no analysis run): the course's language, a
line per student in index.html, every column in summary.csv, the stylesheet on every page."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from reportgen import tables
from reportgen.verify.course import course_language
from reportgen.verify.outcome import Checked
from reportgen.verify.summary import write_summary

SCORES = {"linear": 2.35, "lasso": 1.68, "ridge": 2.59, "elasticnet": 1.69, "logreg": 0.73,
          "mlp": 0.72}  # fmt: skip
METRICS = {k: "rmse" for k in ("linear", "lasso", "ridge", "elasticnet")} | {
    "logreg": "accuracy", "mlp": "accuracy",
}  # fmt: skip
FACTS = {"dataset": "sample mnist", "n_samples": 300, "seed": 42, "grid_sizes": {"ridge": 2},
         "scores": SCORES, "metrics": METRICS}  # fmt: skip


def _report() -> dict:
    def entry(path, verdict, **more):
        return {"path": path, "author": "Åsa Öberg", "verdict": verdict, "checks": {},
                "details": [], "facts": FACTS, "rebuilt": {"scores": SCORES},
                "config": {"report": {"lang": "sv"}}, "worker": "vm:1", **more}  # fmt: skip

    change = {"page": 4, "before": "MLP 71,7 %", "after": "MLP 99,9 %"}
    return {
        "submissions": [
            entry("inl/a.pdf", "reproduced"),
            entry("inl/b.pdf", "tampered", text_changes=[change],
                  checks={"attachments": "ok", "integrity": "tampered",
                          "render_environment": ["weasyprint 68.1 -> 70.0"]},
                  grade=0.0, grade_rule="tampered: 0 -> 0 of 10",
                  grade_terms=[["tampered", 0.0, 1], ["mismatch", -2.5, 1]], grade_max=10.0),
            entry("inl/c.pdf", "differs", rebuilt={"scores": dict(SCORES, ridge=2.64)}),
            {"path": "inl/d.pdf", "author": None, "verdict": "error", "checks": {},
             "details": ["inl/d.pdf is not a PDF"], "reason": "inl/d.pdf is not a PDF"},
        ],  # fmt: skip
        "summary": {"reproduced": 1, "tampered": 1, "differs": 1, "error": 1},
        "total": 4, "builds": 1, "groups": {}, "interrupted": False, "skipped": {}, "pairs": [],
    }  # fmt: skip


@pytest.mark.parametrize(
    "lang, words",
    [("sv", ("Klassöversikt", "utlåtande", "MANIPULERAD", "sida 4: ”71,7” → ”99,9”")),
     ("en", ("Class summary", "verdict", "TAMPERED", "page 4: “71,7” → “99,9”"))],
)  # fmt: skip
def test_the_pages_are_in_the_course_s_language(tmp_path, lang, words):
    write_summary(Checked(_report()), tmp_path, {"report": {"lang": lang}})
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f"<html lang='{lang}'>" in index
    for word in words:
        assert word in index
    rows = re.findall(r"<tr>.*?</tr>", index.split("<tbody>")[1])
    assert len(rows) == 4 and all("s/" in row for row in rows)  # each row links its page
    assert "Files in" in index or "Filerna ligger i" in index  # names relative to inl/
    assert ">b.pdf<" not in index and "title='Åsa Öberg: b.pdf'" in index
    for n in range(4):
        page = (tmp_path / "s" / f"{n}.html").read_text(encoding="utf-8")
        assert f"<html lang='{lang}'>" in page and tables.stylesheet() in page
    checks = {
        "sv": ("bilagor: ok", "integritet: ändrad efter bygget",
               "renderingsmiljö: weasyprint 68.1 -&gt; 70.0"),
        "en": ("attachments: ok", "integrity: changed after the build",
               "render environment: weasyprint 68.1 -&gt; 70.0"),
    }[lang]  # fmt: skip
    page = (tmp_path / "s" / "1.html").read_text(encoding="utf-8")
    assert all(f"<li>{line}</li>" in page for line in checks), page
    rule = {
        "sv": ("ändrad efter bygget: 0; 1 en annan students namn × ", " → 0 av 10"),
        "en": ("changed after its build: 0; 1 another student's name × ", " → 0 of 10"),
    }
    start, end = rule[lang]  # the grade's rule in the page's language
    assert re.search(re.escape(html.escape(start)) + r"\S+" + re.escape(end), page), page


def test_the_csv_keeps_every_column_in_english(tmp_path):
    write_summary(Checked(_report()), tmp_path, {"report": {"lang": "sv"}})
    rows = list(csv.DictReader(io.StringIO((tmp_path / "summary.csv").read_text("utf-8"))))
    assert list(rows[0])[:4] == ["file", "author", "verdict", "reason"]
    assert {"data set", "seed", "grids", "flags", "ridge", "tampered", "checked on"} <= set(rows[0])
    reasons = [r["reason"] for r in rows]
    assert reasons[0] == "" and reasons[1] == "page 4: “71,7” → “99,9”"
    assert reasons[2] == "Ridge, test RMSE: report 2.59, rebuilt 2.64"
    assert reasons[3] == "inl/d.pdf is not a PDF"


def test_the_course_decides_the_language_else_the_submissions_else_english():
    sv = [{"config": {"report": {"lang": "sv"}}}, {"verdict": "error"}]
    en = [{"config": {"report": {"lang": "en"}}}]
    assert course_language({"report": {"lang": "en"}}, sv) == "en"
    assert course_language(None, sv) == "sv"
    assert course_language(None, sv + en) == "en"  # two languages: English
    assert course_language(None, []) == "en"
