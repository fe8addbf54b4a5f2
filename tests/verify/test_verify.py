"""reportgen verify on real submissions: untouched, tampered in each way, hostile templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reportgen.bundle.manifest import attachments_for
from reportgen.cli import main
from reportgen.report.pdf import render_environment
from reportgen.results import Results, parse_results

from ..helpers import BUILD_ARGS, one_error_line, report_pdf, write_fast_toml


def verify(capsys, *args: str) -> tuple[int, dict]:
    code = main(["verify", *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out else {})


def _attachments_only(folder: Path, files: dict[str, str]) -> Path:
    """A one-page PDF carrying only `files`: enough for a check that fails before any page
    is compared."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    for name, text in files.items():
        writer.add_attachment(name, text.encode("utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "report.pdf", "wb") as fh:
        writer.write(fh)
    return folder / "report.pdf"


def test_an_untouched_report_reproduces(built, capsys):
    code, report = verify(capsys, str(built / "report.pdf"))
    entry = report["submissions"][0]
    assert code == 0 and entry["verdict"] == "reproduced", entry
    assert entry["author"] == "Anna Andersson"
    assert entry["checks"]["integrity"] == "byte-identical"
    assert entry["checks"]["reproduction"] == "reproduced"
    assert report["summary"] == {"reproduced": 1}


def test_the_pdf_alone_verifies_in_an_empty_folder(built, tmp_path, monkeypatch, capsys):
    shutil.copy(built / "report.pdf", tmp_path / "inlamning.pdf")
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "inlamning.pdf"]) == 0
    out = capsys.readouterr().out
    heading, first = out.splitlines()[:2]  # the verdict table: its headings, then a row
    assert heading.split() == ["verdict", "file", "author"]
    assert first.startswith("reproduced") and "inlamning.pdf" in first


def test_a_visible_number_changed_is_tampered(built, tmp_path, capsys):
    results = parse_results((built / "results.json").read_text(encoding="utf-8"))
    html = (built / "report.html").read_text(encoding="utf-8")
    accuracy = f"{results.models['mlp'].tuned.test.accuracy * 100:.1f}".replace(".", ",")
    forged = f"{min(float(accuracy.replace(',', '.')) + 3, 99.9):.1f}".replace(".", ",")
    assert accuracy + "\u00a0%" in html
    pdf = report_pdf(results, tmp_path, html=html.replace(accuracy + "\u00a0%", forged + "\u00a0%"))
    code, report = verify(capsys, str(pdf))
    entry = report["submissions"][0]
    assert code == 1 and entry["verdict"] == "tampered", entry
    changes = entry["text_changes"]
    assert changes and all(accuracy in c["before"] and forged in c["after"] for c in changes)
    assert all(c["page"] > 1 for c in changes)


def test_an_attached_metric_changed_with_matching_text_differs(built, tmp_path, capsys):
    data = json.loads((built / "results.json").read_text(encoding="utf-8"))
    data["models"]["mlp"]["tuned"]["test"]["accuracy"] = 0.99
    pdf = report_pdf(Results.model_validate(data), tmp_path)  # text, figures and manifest agree
    code, report = verify(capsys, str(pdf))
    entry = report["submissions"][0]
    assert code == 1 and entry["verdict"] == "differs", entry
    assert entry["checks"]["integrity"] == "byte-identical"
    assert any("MLPClassifier tuned test accuracy: 99.0% ->" in d for d in entry["details"])


def test_a_malformed_attachment_is_an_error(built, tmp_path, capsys):
    results = parse_results((built / "results.json").read_text(encoding="utf-8"))
    files = attachments_for(results, {}, render_environment())
    broken = json.loads(files["results.json"])
    broken["models"]["mlp"]["tuned"]["test"]["accuracy"] = "0.99"
    files["results.json"] = json.dumps(broken)
    pdf = _attachments_only(tmp_path, files)
    line = one_error_line(capsys, main(["verify", str(pdf)]))
    assert "expected a number in [0, 1]" in line


def test_a_second_results_json_is_tampered(built, tmp_path, capsys):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(built / "report.pdf"))
    writer.add_attachment("results.json", b'{"schema_version": 2}')
    with open(tmp_path / "two.pdf", "wb") as fh:
        writer.write(fh)
    code, report = verify(capsys, str(tmp_path / "two.pdf"))
    entry = report["submissions"][0]
    assert code == 1 and entry["verdict"] == "tampered", entry
    assert any("2 files are attached as results.json" in d for d in entry["details"])


ESCAPES = {
    "python internals": "{{ ''.__class__.__mro__ }}",
    "cycler": "{{ cycler.__init__.__globals__ }}",
    "template reference": "{{ self._TemplateReference__context }}",
    "include /etc/passwd": "{% include '/etc/passwd' %}",
}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_an_attached_template_cannot_leave_the_sandbox(name, built, tmp_path, capsys):
    results = parse_results((built / "results.json").read_text(encoding="utf-8"))
    evil = {"sv/introduction.html": f"<p>{ESCAPES[name]}</p>\n"}
    pdf = _attachments_only(tmp_path, attachments_for(results, evil, render_environment()))
    code = main(["verify", str(pdf)])
    line = one_error_line(capsys, code)
    assert "introduction.html" in line or "/etc/passwd not found" in line, line
    assert "unsafe" in line or "not found" in line, line
    assert "root:" not in line and "__builtins__" not in line


def test_a_custom_templates_dir_verifies_from_the_pdf_alone(tmp_path, capsys):
    from reportgen.locations import TEMPLATES_DIR

    custom = tmp_path / "mina-mallar" / "sv"
    custom.mkdir(parents=True)
    text = (TEMPLATES_DIR / "sv" / "introduction.html").read_text(encoding="utf-8")
    (custom / "introduction.html").write_text(text + "<p>Min egen rad om siffror.</p>\n")
    config = write_fast_toml(tmp_path / "fast.toml", report={"templates_dir": str(custom.parent)})
    out = tmp_path / "out"
    assert main(["build", "--config", config, *BUILD_ARGS, "--out", str(out)]) == 0
    capsys.readouterr()
    shutil.move(str(custom.parent), tmp_path / "gone")  # the PDF alone must do
    code, report = verify(capsys, str(out / "report.pdf"))
    entry = report["submissions"][0]
    assert code == 0 and entry["verdict"] == "reproduced", entry
    assert entry["checks"]["integrity"] == "byte-identical"


def test_several_submissions_and_every_format(built, tmp_path, capsys):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really\n")
    paths = [str(built / "report.pdf"), str(tmp_path / "broken.pdf")]
    code, report = verify(capsys, *paths)
    assert code == 1  # one reproduced, one error: not every submission is reproduced
    assert [e["verdict"] for e in report["submissions"]] == ["reproduced", "error"]
    assert report["summary"] == {"reproduced": 1, "error": 1}
    from reportgen.verify.formats import FORMATS

    for fmt, marker in (
        ("text", "reproduced"),
        ("markdown", "| verdict |"),
        ("html", "<table"),
        ("csv", "file,author,verdict"),
    ):
        assert marker in FORMATS[fmt](report)
    out = tmp_path / "verify.html"
    assert (
        main(
            [
                "verify",
                str(tmp_path / "broken.pdf"),
                *paths,
                "--format",
                "html",
                "--output",
                str(out),
            ]
        )
        == 1
    )
    assert out.read_text(encoding="utf-8").count("ERROR") >= 2
    assert main(["verify", str(tmp_path / "broken.pdf"), str(tmp_path / "broken.pdf")]) == 2


def test_data_that_cannot_be_found_is_named(built, tmp_path, capsys):
    data = json.loads((built / "results.json").read_text(encoding="utf-8"))
    data["dataset"]["fingerprint"] = "f" * 64
    data["dataset"]["origin"] = "mnist-data"
    pdf = report_pdf(Results.model_validate(data), tmp_path)
    line = one_error_line(capsys, main(["verify", str(pdf)]))
    assert "ran on sample data 'mnist-data'" in line and "fingerprint ffffffffffffffff" in line
    assert "pass --data DIR" in line


def test_an_unreadable_submission_is_one_line(tmp_path, capsys):
    (tmp_path / "x.pdf").write_bytes(b"hello")
    line = one_error_line(capsys, main(["verify", str(tmp_path / "x.pdf")]))
    assert "is not a PDF" in line


def test_another_render_environment_compares_the_text(built, capsys, monkeypatch):
    """Another Pango here: the bytes cannot match, so the pages' text is compared instead and
    the verdict says which part of the environment differs."""
    import reportgen.report.pdf as pdf

    real = pdf.render_environment
    monkeypatch.setattr(pdf, "render_environment", lambda: {**real(), "pango": "9.99.0"})
    code, report = verify(capsys, str(built / "report.pdf"))
    entry = report["submissions"][0]
    assert code == 0 and entry["verdict"] == "reproduced", entry
    assert entry["checks"]["integrity"] == "consistent"
    assert "every figure" in " ".join(entry["details"])
    assert entry["checks"]["render_environment"] == [f"pango {real()['pango']} -> 9.99.0"]
