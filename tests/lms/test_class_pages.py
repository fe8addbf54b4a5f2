"""The class summary as an instructor reads it, in a real browser: Debian's chromium driven by
playwright (as the app's test), at a laptop's 1366x768.

A Canvas download of twelve entries (reproduced, tampered, differs, an error, late ones, reports
under another student's name, shared PDFs, an earlier attempt) verified with the course's
config in Swedish, then in English: index.html never scrolls sideways, each student is one line,
and every verdict but reproduced has its reason; a submission's page carries the stylesheet.
Screenshots go to $REPORTGEN_SCREENSHOTS, or the test's temporary folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.results import Results

from ..helpers import BUILD_ARGS, COURSE_DATA, chromium_browser, report_pdf, run_verify
from ..helpers import write_fast_toml as fast_toml
from .downloads import zip_of

pytestmark = pytest.mark.slow  # four builds, six renders and chromium: make test-slow

GRADING = (
    "\n[grading]\nmax = 10\nreproduced = 10\nwithin_tolerance = 10\ndiffers = 5\n"
    "tampered = 0\nerror = 0\nmismatch = -2.5\n"
)
AUTHORS = {"asa": "Åsa Öberg", "bob": "Bob Smith", "mary": "Mary Lee", "cai": "Cai Chen"}
WORDS = {  # what each language's page says
    "sv": ("Klassöversikt", "MANIPULERAD", "SKILJER SIG", "sida "),
    "en": ("Class summary", "TAMPERED", "DIFFERS", "page "),
}


def _class(tmp: Path) -> dict[str, bytes]:
    """The download's entries: four students' own reports, one forged (its MLP accuracy edited
    on the page), one nudged (its Ridge RMSE changed in the attached results)."""
    pdfs = {}
    for key, author in AUTHORS.items():
        config = fast_toml(tmp / f"{key}.toml", report={"author": author})
        assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(tmp / key)]) == 0
        pdfs[key] = (tmp / key / "report.pdf").read_bytes()
    results = Results.model_validate_json((tmp / "bob" / "results.json").read_text("utf-8"))
    html = (tmp / "bob" / "report.html").read_text(encoding="utf-8")
    shown = f"{results.models['mlp'].tuned.test.accuracy * 100:.1f}".replace(".", ",") + "\u00a0%"
    assert shown in html
    forged = report_pdf(results, tmp / "forged", html=html.replace(shown, "99,9\u00a0%"))
    data = json.loads((tmp / "mary" / "results.json").read_text(encoding="utf-8"))
    data["models"]["ridge"]["tuned"]["test"]["rmse"] += 0.05
    nudged = report_pdf(Results.model_validate(data), tmp / "nudged")
    return {
        "obergasa_101_9001_Rapport.pdf": pdfs["asa"],
        "obergasa_101_9011_Rapport-1.pdf": pdfs["asa"],  # a resubmission: the first is earlier
        "smithbob_LATE_102_9003_Rapport.pdf": forged.read_bytes(),
        "leemary_103_9004_Rapport.pdf": nudged.read_bytes(),
        "chencai_104_9005_Rapport.pdf": pdfs["cai"],
        "nilssonper_105_9006_Rapport.pdf": pdfs["asa"],  # Åsa's report under Per's name
        "karlssonlina_LATE_106_9007_Rapport.pdf": pdfs["cai"],
        "anderssonanna_107_9008_Rapport.docx": b"PK\x03\x04 not a report",
        "berglundeva_108_9009_Rapport.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
        "anon_x7k2p_9010_Rapport.pdf": pdfs["bob"],
        "holmjohan_111_9012_Rapport.pdf": pdfs["mary"],
        "lindqvistsara_LATE_112_9013_Rapport.pdf": pdfs["bob"],
    }


@pytest.fixture(scope="module")
def summaries(tmp_path_factory) -> dict[str, Path]:
    """The class verified with the course's config in Swedish and in English: lang -> folder."""
    tmp = tmp_path_factory.mktemp("class-pages")
    download = zip_of(tmp / "submissions.zip", _class(tmp))
    out = {}
    for lang in ("sv", "en"):
        course = fast_toml(tmp / f"course-{lang}.toml", report={"author": "Kurs", "lang": lang})
        Path(course).write_text(
            Path(course).read_text("utf-8") + COURSE_DATA + GRADING, encoding="utf-8"
        )
        out[lang] = tmp / f"klass-{lang}"
        code, report, console = run_verify(
            str(download), "--expect", course, "--summary", str(out[lang])
        )
        verdicts = sorted(e["verdict"] for e in report["submissions"])
        assert verdicts.count("tampered") == 1 and verdicts.count("differs") == 1, console
        assert verdicts.count("error") == 2 and len(verdicts) == 12, console
    return out


@pytest.fixture(scope="module")
def browser(summaries):
    with chromium_browser() as chromium:
        yield chromium


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("REPORTGEN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


ROWS = """Array.from(document.querySelectorAll('table.glance tbody tr')).map(function (r) {
  var td = r.cells[r.cells.length - 1], style = getComputedStyle(td);
  return {height: r.getBoundingClientRect().height, line: parseFloat(style.lineHeight),
          cells: Array.from(r.cells).map(function (c) { return c.textContent; }),
          verdict: r.cells[1].className};
})"""


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_class_summary_reads_at_a_glance_on_a_laptop(summaries, browser, lang, tmp_path):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto((summaries[lang] / "index.html").as_uri())
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"the page scrolls sideways at 1366 px: {width}"
    assert page.evaluate("document.documentElement.lang") == lang
    rows = page.evaluate(ROWS)
    assert len(rows) == 12
    for row in rows:  # one line each: a wrapped cell would make the row two lines tall
        assert row["height"] <= 1.6 * row["line"], row
        reason = row["cells"][-1]
        assert bool(reason.strip()) == ("reproduced" not in row["verdict"]), row
    title, tampered, differs, page_word = WORDS[lang]
    text = page.inner_text("body")
    assert title in text and tampered in text and differs in text
    reasons = [r["cells"][-1] for r in rows]
    assert any(r.startswith(page_word) and "99,9" in r for r in reasons), reasons  # tampered
    assert any("Ridge" in r for r in reasons), reasons  # differs: the first score that differs
    page.screenshot(path=str(_shots(tmp_path) / f"class-summary-{lang}.png"))
    page.close()


def test_a_submission_page_has_the_summary_s_stylesheet_and_language(summaries, browser, tmp_path):
    folder = summaries["sv"]
    report = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    (n,) = [i for i, e in enumerate(report["submissions"]) if e["verdict"] == "tampered"]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto((folder / "s" / f"{n}.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert "DejaVu Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
    width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], width
    text = page.inner_text("body")
    assert "Alla inlämningar" in text and "MANIPULERAD" in text and "sida " in text
    assert "Författare på titelsidan" in text and "Bob Smith" in text
    page.screenshot(path=str(_shots(tmp_path) / "submission-tampered-sv.png"), full_page=False)
    page.close()
