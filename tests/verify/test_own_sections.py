"""The proof of a student's own section: a report whose Slutsats is the student's Markdown with
live values is `reproduced`; one live value edited in the PDF is `tampered`, its page named;
verify counts the live values; flags compare the sections' prose across a class."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.numbers import metric
from reportgen.pages.reader import read_pages
from reportgen.results import read_results
from reportgen.verify.flags import add_flags

from ..helpers import BUILD_ARGS, digit_spots, run_verify, spot_digit, with_digit, write_fast_toml

SLUTSATS = """\
## Min slutsats

MNIST är ett klassifikationsproblem. Nätet klassade {{ mlp.tuned.test.accuracy }} av
testbilderna rätt, medan den bästa regressionsmodellen, {{ best_regressor.name }}, missade med
RMSE {{ best_regressor.tuned.test.rmse }}. Jag räknade själv 12 förväxlingar.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the report PDF, its run folder) of a fast build whose Slutsats is the student's."""
    tmp = tmp_path_factory.mktemp("own")
    (tmp / "slutsats.md").write_text(SLUTSATS, encoding="utf-8")
    config = Path(write_fast_toml(tmp / "report.toml"))
    config.write_text(
        config.read_text(encoding="utf-8") + '[report.sections]\nslutsats = "slutsats.md"\n',
        encoding="utf-8",
    )
    out = tmp / "out"
    assert main(["build", "--config", str(config), *BUILD_ARGS, "--out", str(out)]) == 0
    return out / "report.pdf", out


def _slutsats_page(pdf: bytes) -> int:
    pages = read_pages(pdf)
    return next(p.number for p in pages if "Min slutsats" in " ".join(p.words))


def test_the_slutsats_shows_the_runs_numbers_in_the_reports_format(built):
    pdf, out = built
    results = read_results(out)
    page = next(p for p in read_pages(pdf.read_bytes()) if "Min slutsats" in " ".join(p.words))
    text = " ".join(page.words)
    mlp = metric("accuracy", results.models["mlp"].tuned.test.accuracy, "sv")
    assert f"klassade {mlp} av" in text
    best = min(
        (m for m in results.models.values() if m.family == "regression"),
        key=lambda m: m.tuned.test.rmse,
    )
    assert f"regressionsmodellen, {best.name}, missade med RMSE" in text
    assert metric("rmse", best.tuned.test.rmse, "sv") in text
    assert "Diskussion" not in text.split("Min slutsats")[1]  # the shipped text is replaced
    assert results.sections["slutsats"].text == SLUTSATS  # attached as written


def test_verify_reproduces_it_and_counts_its_live_values(built):
    pdf, _ = built
    code, report, _ = run_verify(str(pdf))
    entry = report["submissions"][0]
    assert (code, entry["verdict"]) == (0, "reproduced")
    assert entry["live_values"] == 3  # the 12 typed by hand is prose
    assert any(d.startswith("own sections: 3 live value(s)") for d in entry["details"])


@pytest.mark.slow  # a render of the whole report in verify's budgeted child: 12 s
def test_a_live_value_edited_in_the_pdf_is_tampered_on_its_page(built, tmp_path):
    import pikepdf

    pdf, out = built
    raw = pdf.read_bytes()
    page = _slutsats_page(raw)
    doc = pikepdf.open(io.BytesIO(raw))
    spots = digit_spots(doc, range(page - 1, page))
    accuracy = metric("accuracy", read_results(out).models["mlp"].tuned.test.accuracy, "sv")
    digits = "".join(spot_digit(doc, s) for s in spots)
    first = digits.index("".join(c for c in accuracy if c.isdigit()))
    old = spot_digit(doc, spots[first])
    new = "1" if old != "1" else "2"
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(with_digit(doc, spots[first], new))
    code, report, _ = run_verify(str(edited))
    entry = report["submissions"][0]
    assert (code, entry["verdict"]) == (1, "tampered")
    [change] = entry["text_changes"]
    assert change["page"] == page
    assert accuracy in change["before"] and new + accuracy[1:] in change["after"]


def test_flags_compare_the_sections_prose_not_their_live_values():
    def entry(path: str, text: str) -> dict:
        evidence = {"pdf": path, "results": path, "self_evaluation": None,
                    "sections": {"slutsats": text}, "analysis": path}  # fmt: skip
        return {"path": path, "_evidence": evidence}

    from reportgen.sections import prose

    words = " ".join(f"ord{i}" for i in range(40))
    a = prose(f"{words} {{{{ mlp.tuned.test.accuracy }}}} slut.")
    b = prose(f"{words} {{{{ logreg.tuned.test.accuracy }}}} slut.")
    report = {"submissions": [entry("a.pdf", a), entry("b.pdf", b), entry("c.pdf", "annat")]}
    [pair] = add_flags(report, course_known=False, near_copy=0.8)
    assert (pair["a"], pair["b"]) == ("a.pdf", "b.pdf")
    assert pair["flags"][0]["kind"] == "same_section"
    assert "the same section slutsats (41 words)" in pair["flags"][0]["evidence"]
    near = prose(words.replace("ord39", "annat") + " slut.")
    report = {"submissions": [entry("a.pdf", a), entry("d.pdf", near)]}
    [pair] = add_flags(report, course_known=False, near_copy=0.8)
    assert pair["flags"][0]["kind"] == "near_copy_section"
