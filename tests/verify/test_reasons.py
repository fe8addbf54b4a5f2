"""A verdict's reason in one line: what changed and where, the first score that differs, the
error; in the class summary's language."""

from __future__ import annotations

from pathlib import Path

from reportgen.bundle.attachments import attachments_of
from reportgen.verify.reasons import changed_words, reason

SCORES = {"linear": 2.35, "lasso": 1.68, "ridge": 2.5875, "elasticnet": 1.69, "logreg": 0.733,
          "mlp": 0.717}  # fmt: skip
METRICS = {k: "rmse" for k in ("linear", "lasso", "ridge", "elasticnet")} | {
    "logreg": "accuracy", "mlp": "accuracy",
}  # fmt: skip


def _entry(verdict: str, **more) -> dict:
    return {"path": "klass/a.pdf", "verdict": verdict, "checks": {}, "details": [], **more}


def test_reproduced_has_no_reason():
    assert reason(_entry("reproduced", details=["anything"])) == ""


def test_tampered_names_the_changed_words_and_their_page():
    change = {"page": 11, "before": "Logistisk regression 93,3 % 73,3 % – MLPClassifier",
              "after": "Logistisk regression 93,3 % 99,9 % – MLPClassifier"}  # fmt: skip
    not_run = "reproduction not run: the PDF was changed after the build"
    entry = _entry("tampered", text_changes=[change, change, change], details=[not_run])
    assert reason(entry, "en") == "page 11: “73,3” → “99,9” (and 2 more changes)"
    assert reason(entry, "sv") == "sida 11: ”73,3” → ”99,9” (och 2 ändringar till)"
    assert reason(_entry("tampered", text_changes=[change]), "sv") == "sida 11: ”73,3” → ”99,9”"


def test_tampered_without_a_changed_text_says_its_first_detail():
    not_run = "reproduction not run: the PDF was changed after the build"
    entry = _entry("tampered", details=["an attachment was changed: results.json", not_run])
    assert reason(entry) == "an attachment was changed: results.json"


def test_differs_names_the_first_score_that_differs_in_the_language():
    rebuilt = dict(SCORES, ridge=2.6375, mlp=0.75)
    entry = _entry("differs", facts={"scores": SCORES, "metrics": METRICS},
                   rebuilt={"scores": rebuilt}, details=["Ridge tuned test rmse: ..."])  # fmt: skip
    assert reason(entry, "en") == "Ridge, test RMSE: report 2.59, rebuilt 2.64"
    assert reason(entry, "sv") == "Ridge, RMSE på testdelen: rapporten 2,59, ombyggd 2,64"


def test_a_score_that_differs_in_its_last_digits_reads_differently():
    rebuilt = dict(SCORES, ridge=2.5876)
    entry = _entry("within_tolerance", facts={"scores": SCORES, "metrics": METRICS},
                   rebuilt={"scores": rebuilt})  # fmt: skip
    assert reason(entry, "en") == "Ridge, test RMSE: report 2.587, rebuilt 2.588"


def test_differs_elsewhere_than_the_test_scores_says_the_first_detail():
    best = "MLPClassifier best parameters: alpha 0.01 -> alpha 0.0001"
    entry = _entry("differs", facts={"scores": SCORES, "metrics": METRICS},
                   rebuilt={"scores": SCORES}, details=[best])  # fmt: skip
    assert reason(entry, "sv") == best


def test_an_error_says_its_reason_and_unverifiable_its_first_detail():
    assert reason(_entry("error", reason="not a PDF", details=["x", "not a PDF"])) == "not a PDF"
    assert reason(_entry("error", details=["first", "last"])) == "last"
    entry = _entry("unverifiable", details=["no attachments: printed to PDF", "page 2: 1+1 ≠ 3"])
    assert reason(entry, "sv") == "no attachments: printed to PDF"


def test_changed_words_keep_what_both_lines_share_out():
    assert changed_words("a b c d", "a x d") == ("b c", "x")
    assert changed_words("a b", "a b c") == ("", "c")
    assert changed_words("a  b", "a b") == ("a  b", "a b")  # spaces alone: the whole lines


def _errors_as_written(tmp_path) -> list[str]:
    """The errors of KNOWN_ERRORS, each made by the code that writes it."""
    import pikepdf
    import pytest

    from reportgen.errors import InputError
    from reportgen.lms.intake import collect

    def refused(raw: bytes, name: str) -> str:
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(InputError) as caught:
            attachments_of(raw, Path(name))
        return str(caught.value)

    folder = tmp_path / "download"
    folder.mkdir()
    for name, data in {
        "smithbob_102_9003_Rapport.docx": b"PK",
        "smithbob_102_9004_Rapport": b"x",
        "smithbob_102_9005_Rapport.pdf": b"",
        "rapport av bob.pdf": b"%PDF-",
    }.items():
        (folder / name).write_bytes(data)
    problems = sorted(item.problem for item in collect([folder], tmp_path).items if item.problem)
    encrypted = tmp_path / "locked.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="a", user="b"))
    return problems + [
        refused(b"PK\x03\x04", "a.pdf"),
        refused(b"%PDF-1.7\ngarbage", "b.pdf"),
        refused(encrypted.read_bytes(), "c.pdf"),
    ]


def test_the_errors_a_class_meets_most_read_in_swedish_as_written_by_their_code(tmp_path):
    written = _errors_as_written(tmp_path)
    swedish = [reason(_entry("error", reason=text), "sv") for text in written]
    assert swedish[:4] == [
        "lämnade in en .docx-fil, ingen rapport-PDF: be om den PDF som reportgen byggde",
        "lämnade in en fil utan filändelse, ingen rapport-PDF: be om den PDF som reportgen byggde",
        "lämnade in en tom fil: be om den PDF som reportgen byggde",
        "namnet har inte Canvas form: vilken student är det?",
    ]
    assert swedish[4] == "a.pdf är ingen PDF: be om den PDF som reportgen byggde"
    assert swedish[5].startswith("b.pdf går inte att läsa som PDF (")
    assert swedish[6] == "c.pdf är krypterad: be om rapporten utan lösenord"
    # in English, and for an error not in the table, verify's own words
    assert [reason(_entry("error", reason=text), "en") for text in written] == written
    assert reason(_entry("error", reason="a new kind of error"), "sv") == "a new kind of error"
