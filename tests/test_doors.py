"""Malformed results documents at every door: diff, render and the PDF reader.

Each document is what a student could attach to a handed-in PDF. Every door must answer with
one line, `reportgen: error: ...`, and exit 2: never a traceback, never diff's exit 1.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.results import SCHEMA_VERSION

from .helpers import FIXTURE

MB = 1 << 20


def _set(path: str, value):
    """An edit that sets the value at a dotted path (list indices as numbers)."""

    def edit(doc):
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
        return doc

    return edit


def _delete(path: str):
    def edit(doc):
        *parents, last = path.split(".")
        node = doc
        for key in parents:
            node = node[key]
        del node[last]
        return doc

    return edit


def _json(edit):
    """The fixture, edited, as JSON text (NaN and Infinity written as Python writes them)."""
    return lambda: json.dumps(edit(json.loads(FIXTURE.read_text(encoding="utf-8"))))


def _raw(data: bytes | str):
    return lambda: data


# name -> (the document's bytes or text, words the one-line error must hold)
MALFORMED = {
    "no schema_version": (_json(_delete("schema_version")), "schema_version null"),
    "a future schema_version": (
        _json(_set("schema_version", SCHEMA_VERSION + 1)),
        f"schema_version {SCHEMA_VERSION + 1}, this reportgen",
    ),
    "no models": (_json(_delete("models")), "models: missing"),
    "no mlp": (_json(_delete("models.mlp")), ": models lacks mlp: every model"),
    "no mlp.tuned": (_json(_delete("models.mlp.tuned")), "models.mlp.tuned: missing"),
    "no tuned test split": (
        _json(_delete("models.mlp.tuned.test")),
        "models.mlp.tuned.test: missing",
    ),
    "no accuracy": (
        _json(_delete("models.mlp.tuned.test.accuracy")),
        "models.mlp: tuned.test lacks accuracy",
    ),
    "accuracy as a string": (
        _json(_set("models.mlp.tuned.test.accuracy", "0.99")),
        'models.mlp.tuned.test.accuracy: expected a number in [0, 1], got "0.99"',
    ),
    "accuracy NaN": (
        _json(_set("models.mlp.tuned.test.accuracy", float("nan"))),
        "models.mlp.tuned.test.accuracy: expected a number in [0, 1], got NaN",
    ),
    "rmse infinite": (
        _json(_set("models.ridge.tuned.test.rmse", float("inf"))),
        "models.ridge.tuned.test.rmse: expected a finite number of at least 0, got Infinity",
    ),
    "accuracy above 1": (
        _json(_set("models.logreg.default.validation.accuracy", 1.5)),
        "models.logreg.default.validation.accuracy: expected a number in [0, 1], got 1.5",
    ),
    "negative rmse": (
        _json(_set("models.lasso.default.test.rmse", -0.5)),
        "models.lasso.default.test.rmse: expected a finite number of at least 0",
    ),
    "confusion matrix of 3 rows": (
        _json(_set("models.mlp.tuned.confusion_matrix", [[1] * 10] * 3)),
        "models.mlp.tuned.confusion_matrix: expected at least 10 items, got 3",
    ),
    "negative count": (
        _json(_set("models.mlp.default.confusion_matrix.0.0", -3)),
        "models.mlp.default.confusion_matrix[0][0]: expected a whole number of at least 0",
    ),
    "fractional count": (
        _json(_set("models.logreg.tuned.confusion_matrix.2.3", 1.5)),
        "models.logreg.tuned.confusion_matrix[2][3]: expected a whole number",
    ),
    "per-class f1 of 9 digits": (
        _json(_set("models.mlp.tuned.per_class.f1", [0.5] * 9)),
        "models.mlp.tuned.per_class.f1: expected at least 10 items, got 9",
    ),
    "unknown model key": (
        _json(_set("models.svm", {"name": "SVM"})),
        "models.svm: unknown model key, expected one of linear",
    ),
    "unknown top-level key": (_json(_set("extra", 1)), "extra: unknown key"),
    "regressor claiming to classify": (
        _json(_set("models.ridge.family", "classification")),
        "models.ridge: family 'classification' does not fit metric 'rmse'",
    ),
    "fingerprint not a hash": (
        _json(_set("dataset.fingerprint", "abc")),
        "dataset.fingerprint: expected a SHA-256 in hex",
    ),
    "negative split size": (
        _json(_set("data.split_sizes.test", -5)),
        "data.split_sizes.test: expected a whole number of at least 0, got -5",
    ),
    "warning of an unknown model": (
        _json(
            _set(
                "warnings",
                [{"model": "svm", "phase": "default", "category": "W", "message": "m", "count": 1}],
            )
        ),
        "warnings[0].model",
    ),
    "grid value NaN": (
        _json(_set("config.grids.ridge.alpha", [float("nan")])),
        "config.grids.ridge.alpha[0]: expected a hyperparameter value",
    ),
    "self-evaluation a number": (
        _json(_set("self_evaluation", 7)),
        "self_evaluation: expected an object",
    ),
    "empty candidates": (
        _json(_set("models.lasso.tuned.candidates", [])),
        "models.lasso.tuned.candidates: expected at least 1 items, got 0",
    ),
    "pixel above 255": (
        _json(_set("data.first_digits.pixels.0.0", 300)),
        "data.first_digits.pixels[0][0]: expected a whole number in [0, 255], got 300",
    ),
    "a list, not an object": (_raw("[1, 2, 3]"), "is not a results object"),
    "not JSON": (_raw('{"schema_version": 1,'), "is not valid JSON"),
    "empty file": (_raw(b""), "is not valid JSON"),
    "not UTF-8": (_raw(b'{"a": "\xff\xfe"}'), "is not UTF-8 text"),
    "nested 100,000 deep": (_raw("[" * 100_000 + "]" * 100_000), "nested too deeply"),
    "larger than 20 MB": (
        _raw(b'{"schema_version": 1, "pad": "' + b"x" * (21 * MB) + b'"}'),
        "larger than 20 MB",
    ),
}


def _one_error_line(capsys, code: int) -> str:
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, captured.err
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("reportgen: error: "), lines[0]
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def _doc(tmp_path: Path, name: str) -> Path:
    data = MALFORMED[name][0]()
    path = tmp_path / "results.json"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _pdf(path: Path, attachments: list[tuple[str, bytes]], flate: dict | None = None) -> Path:
    """A one-page PDF carrying `attachments`; `flate` gives raw FlateDecode bytes by name."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    for name, data in attachments:
        attachment = writer.add_attachment(name, data)
        if flate and name in flate:
            stream = attachment.pdf_object["/EF"]["/F"].get_object()
            stream._data = flate[name]
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("name", list(MALFORMED))
def test_diff_refuses_a_malformed_results_json(name, tmp_path, capsys):
    code = main(["diff", str(_doc(tmp_path, name)), str(FIXTURE)])
    assert MALFORMED[name][1] in _one_error_line(capsys, code)


@pytest.mark.parametrize("name", list(MALFORMED))
def test_render_refuses_a_malformed_run(name, tmp_path, capsys):
    _doc(tmp_path, name)
    code = main(["render", str(tmp_path)])
    assert MALFORMED[name][1] in _one_error_line(capsys, code)
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.parametrize("name", list(MALFORMED))
def test_the_pdf_reader_refuses_a_malformed_attachment(name, tmp_path, capsys):
    data = MALFORMED[name][0]()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    pdf = _pdf(tmp_path / "submission.pdf", [("results.json", raw)])
    code = main(["diff", str(pdf), str(FIXTURE)])
    line = _one_error_line(capsys, code)
    assert "(attached results.json)" in line or "attachment" in line, line
    assert MALFORMED[name][1] in line or "larger than 20 MB" in line


def zip_bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of zeros, built without compressing them: 1 MB blocks
    after a full flush are identical, so the stream is one block repeated."""
    chunk = bytes(MB)
    deflate = zlib.compressobj(9)
    first = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    n = megabytes * MB
    adler = ((n % 65521) << 16) | 1  # adler-32 of n zero bytes
    return first + block * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", adler)


def test_zip_bomb_helper_makes_a_real_stream():
    assert zlib.decompress(zip_bomb(3)) == bytes(3 * MB)


def test_an_attachment_bomb_is_refused_without_inflating_it(tmp_path, capsys):
    import resource

    bomb = zip_bomb(4096)  # 4 GB of zeros in 4 MB
    pdf = _pdf(tmp_path / "bomb.pdf", [("results.json", b"{}")], flate={"results.json": bomb})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = main(["diff", str(pdf), str(FIXTURE)])
    line = _one_error_line(capsys, code)
    assert "inflates to more than 20 MB" in line and "refused without inflating it" in line
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200  # never near the 4 GB the stream would inflate to


PDF_CASES = {
    "not a PDF": (lambda p: p.write_bytes(b"just text, no PDF\n"), "is not a PDF"),
    "truncated PDF": (
        lambda p: p.write_bytes(FIXTURE.read_bytes()[:0] + b"%PDF-1.7\n1 0 obj\n<<"),
        "not a readable PDF",
    ),
    "no attachment": (lambda p: _pdf(p, []), "has no attached results.json"),
    "two results.json": (
        lambda p: _pdf(p, [("results.json", FIXTURE.read_bytes())] * 2),
        "2 files are attached as results.json; a build attaches one",
    ),
    "unknown filter": (
        lambda p: _pdf(p, [("results.json", b"{}")], flate=None) and _lzw(p),
        "encoded with",
    ),
}


def _lzw(path: Path) -> Path:
    """Rewrite the PDF's attachment stream as declaring /LZWDecode (never written by reportgen)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=str(path))
    for attachment in writer.attachment_list:
        stream = attachment.pdf_object["/EF"]["/F"].get_object()
        stream[NameObject("/Filter")] = NameObject("/LZWDecode")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("name", list(PDF_CASES))
def test_a_broken_pdf_is_one_line(name, tmp_path, capsys):
    make, words = PDF_CASES[name]
    pdf = tmp_path / "submission.pdf"
    make(pdf)
    code = main(["diff", str(pdf), str(FIXTURE)])
    assert words in _one_error_line(capsys, code)


def test_an_encrypted_pdf_is_refused(tmp_path, capsys):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_attachment("results.json", FIXTURE.read_bytes())
    writer.encrypt("secret")
    pdf = tmp_path / "locked.pdf"
    with open(pdf, "wb") as fh:
        writer.write(fh)
    code = main(["diff", str(pdf), str(FIXTURE)])
    assert "is encrypted" in _one_error_line(capsys, code)


def test_a_valid_attachment_still_reads(tmp_path, capsys):
    pdf = _pdf(tmp_path / "ok.pdf", [("results.json", FIXTURE.read_bytes())])
    assert main(["diff", str(pdf), str(FIXTURE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"] == []
