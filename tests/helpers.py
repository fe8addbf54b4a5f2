"""Plain helpers the tests share: constants and small file writers (fixtures are in conftest)."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import struct
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
FIXTURE = ROOT / "tests" / "fixtures" / "results_small.json"

# Tiny grids: every model still searches two candidates, in seconds.
FAST_GRIDS = {
    "linear": {"fit_intercept": [True, False]},
    "lasso": {"alpha": [0.1, 1.0]},
    "ridge": {"alpha": [1.0, 100.0]},
    "elasticnet": {"alpha": [0.1], "l1_ratio": [0.2, 0.8]},
    "logreg": {"C": [0.1, 1.0], "max_iter": [50]},
    "mlp": {"hidden_layer_sizes": [[16]], "alpha": [0.0001, 0.01], "max_iter": [30]},
}
BUILD_ARGS = ["--dataset", "sample", "--limit", "300"]

# Debian's chromium, as playwright drives it in the browser tests
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def app_answers(url: str, tries: int = 150) -> bool:
    """Whether `reportgen app` at `url` answers its health check ("ok") within about half a
    minute (it answers within seconds)."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                if answer.read() == b"ok":
                    return True
        except OSError:
            time.sleep(0.2)
    return False


@contextlib.contextmanager
def chromium_browser():
    """Debian's chromium driven by playwright, closed afterwards; the test is skipped, with the
    reason, where chromium or playwright is missing."""
    import pytest

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def mnist_dir() -> Path | None:
    """The full MNIST IDX folder: MNIST_DIR, else ../shared/data/mnist, else None."""
    folder = Path(os.environ.get("MNIST_DIR", SHARED_MNIST))
    return folder if (folder / "train-labels-idx1-ubyte.gz").exists() else None


def write_fast_toml(path: Path, report: dict | None = None, grids: dict | None = None) -> str:
    """A config file with FAST_GRIDS (each model's grid replaceable by `grids`) and a fixed date."""
    fields = {"date": "2026-01-15", "author": "Test Testsson", **(report or {})}
    lines = ["[report]", *(f"{k} = {json.dumps(v)}" for k, v in fields.items())]
    for model, grid in {**FAST_GRIDS, **(grids or {})}.items():
        lines.append(f"[grids.{model}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in grid.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def write_idx(path: Path, array: np.ndarray, compress: bool = True, magic: bytes | None = None):
    header = magic or bytes([0, 0, 8, array.ndim])
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw, mtime=0) if compress else raw)
    return path


def make_mnist_dir(folder: Path, n_train=20, n_test=10, compress=True, side=28) -> Path:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if compress else ""
    for part, n in (("train", n_train), ("t10k", n_test)):
        write_idx(
            folder / f"{part}-images-idx3-ubyte{ext}",
            rng.integers(0, 256, (n, side, side)),
            compress,
        )
        write_idx(folder / f"{part}-labels-idx1-ubyte{ext}", np.arange(n) % 10, compress)
    return folder


def as_halving(results: dict) -> dict:
    """The fixture's MLP as if searched by successive halving: 8 candidates, then the best 3."""
    tuned = results["models"]["mlp"]["tuned"]
    tuned["search"] = "halving"
    tuned["rounds"] = [{"candidates": 8, "share": 1 / 3}, {"candidates": 3, "share": 1.0}]
    for c in tuned["candidates"]:
        c["round"] = 2 if c["rank"] <= 3 else 1
    return results


def completed_runs(out_root: Path) -> list[Path]:
    """Completed runs under OUT/runs/, oldest first (staging folders start with a dot)."""
    runs = out_root / "runs"
    if not runs.is_dir():
        return []
    return sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith("."))


def report_pdf(results, folder: Path, html: str | None = None, attachments=None) -> Path:
    """A report PDF of `results` in `folder`: its own HTML unless `html`, its own attachments
    unless `attachments` (a forged submission: its text or its files changed)."""
    from reportgen.bundle.manifest import attachments_for
    from reportgen.report.figures import save_figures
    from reportgen.report.html import render_html
    from reportgen.report.pdf import render_environment, write_pdf

    folder.mkdir(parents=True, exist_ok=True)
    save_figures(results, folder / "figures")
    files = attachments or attachments_for(results, {}, render_environment())
    report = results.config.report
    return write_pdf(
        html or render_html(results),
        folder,
        folder / "report.pdf",
        title=report.title,
        author=report.author,
        date=results.report_date,
        attachments=files,
    )


# A class of twelve submissions (tests/verify/conftest.py: klass): file -> the verdict verify
# must give it. The folder sent/ checks that folders are read recursively.
CLASS = {
    "a1.pdf": "reproduced",
    "a2.pdf": "reproduced",
    "a3.pdf": "reproduced",
    "a4.pdf": "reproduced",
    "a5.pdf": "reproduced",
    "b1.pdf": "reproduced",
    "b2.pdf": "reproduced",
    "sent/b3.pdf": "reproduced",
    "sent/c1.pdf": "reproduced",
    "sent/c2.pdf": "reproduced",
    "forged.pdf": "tampered",
    "broken.pdf": "error",
}
COURSE_DATA = '\n[data]\ndataset = "sample"\nn_samples = 300\n'


def one_error_line(capsys, code: int) -> str:
    """The last line on stderr of a command that failed as a whole: exit 2, one line, no
    traceback."""
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("reportgen: error: "), err
    assert "Traceback" not in "\n".join(err)
    return err[-1]


def run_verify(*argv: str) -> tuple[int, dict, str]:
    """`reportgen verify ARGV --format json`: (exit code, the JSON report, the console)."""
    import contextlib
    import io

    from reportgen.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["verify", *argv, "--format", "json"])
    return code, (json.loads(out.getvalue()) if out.getvalue() else {}), err.getvalue()


def class_verdicts(report: dict, folder: Path) -> dict[str, str]:
    """file (relative to the class folder) -> verdict."""
    return {
        Path(e["path"]).relative_to(folder).as_posix(): e["verdict"] for e in report["submissions"]
    }


def pdf_layout_text(pdf: Path) -> str:
    """`pdftotext -layout` of a PDF (poppler-utils; callers skip without it)."""
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def lone_word_lines(text: str) -> list[str]:
    """Lines of `pdftotext -layout` text that hold one plain word inside a paragraph: a long line
    before, the sentence going on in lower case after (a line-breaking glitch, not a list item
    or a table cell)."""
    lines = text.split("\n")
    return [
        lines[i].strip()
        for i in range(1, len(lines) - 1)
        if len(lines[i].split()) == 1
        and lines[i].strip().isalpha()
        and len(lines[i - 1].strip()) > 70
        and lines[i + 1].strip()[:1].islower()
    ]


def vary_run(results, seed: int, moved: int = 1, rmse_factor: float = 1.0):
    """A run made from a real one through the results model (never by editing its text): as if
    built with data.seed `seed`; each classifier's tuned test confusion matrix with up to `moved`
    digits of each true digit moved off the diagonal (to the next digit) and its test accuracy
    recomputed from that matrix; each regressor's tuned test RMSE times `rmse_factor`. Validated
    again by the schema, as any reader does."""
    from reportgen.results import parse_results

    def change(model, **fields):
        return model.model_copy(update=fields)

    config = change(results.config, data=change(results.config.data, seed=seed))
    models = {}
    for key, model in results.models.items():
        tuned = model.tuned
        if model.family == "classification":
            matrix = [list(row) for row in tuned.confusion_matrix]
            for i, row in enumerate(matrix):
                k = min(moved, row[i])
                row[i] -= k
                row[(i + 1) % len(row)] += k
            correct = sum(matrix[i][i] for i in range(len(matrix)))
            accuracy = correct / sum(map(sum, matrix))
            test = change(tuned.test, accuracy=accuracy)
            tuned = change(tuned, confusion_matrix=matrix, test=test)
        else:
            tuned = change(tuned, test=change(tuned.test, rmse=tuned.test.rmse * rmse_factor))
        models[key] = change(model, tuned=tuned)
    return parse_results(change(results, config=config, models=models).to_json())


def glyph_texts(font) -> dict[bytes, str]:
    """A Type0 font's glyph codes (2 bytes) -> text, from its ToUnicode CMap."""
    import re

    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    found: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int.from_bytes(bytes.fromhex(start), "big")
            for i, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code.to_bytes(2, "big")] = chr(first + i)
    return found


def digit_spots(doc, pages: range) -> list[tuple[int, int, int, int, dict]]:
    """Every digit drawn on `pages` of a pikepdf document: (page, operator, array item, byte
    offset, the font's glyphs)."""
    import pikepdf

    spots = []
    for p in pages:
        page = doc.pages[p]
        fonts = {str(k): glyph_texts(f) for k, f in page.Resources.Font.items()}
        current: dict = {}
        for i, (operands, op) in enumerate(pikepdf.parse_content_stream(page)):
            if str(op) == "Tf":
                current = fonts.get(str(operands[0]), {})
            elif str(op) == "TJ":
                for j, item in enumerate(operands[0]):
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        for k in range(0, len(raw) - 1, 2):
                            if current.get(raw[k : k + 2], "").isdigit():
                                spots.append((p, i, j, k, current))
    return spots


def spot_digit(doc, spot: tuple[int, int, int, int, dict]) -> str:
    """The digit drawn at a spot of digit_spots."""
    import pikepdf

    p, i, j, k, glyphs = spot
    return glyphs[bytes(pikepdf.parse_content_stream(doc.pages[p])[i][0][0][j])[k : k + 2]]


def with_digit(doc, spot: tuple[int, int, int, int, dict], new: str) -> bytes:
    """The document's bytes with the digit at `spot` drawn as `new` (the same font's glyph), as
    a PDF editor would change it, attachments kept."""
    import io

    import pikepdf

    p, i, j, k, glyphs = spot
    by_text = {text: code for code, text in glyphs.items()}
    ops = pikepdf.parse_content_stream(doc.pages[p])
    raw = bytes(ops[i][0][0][j])
    ops[i][0][0][j] = pikepdf.String(raw[:k] + by_text[new] + raw[k + 2 :])
    doc.pages[p].Contents = doc.make_stream(pikepdf.unparse_content_stream(ops))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def edit_a_digit(pdf: bytes, seed: int = 7) -> tuple[bytes, str]:
    """The PDF with one visible digit changed to another digit's glyph of the same font
    (pikepdf), as a PDF editor would, attachments kept: (bytes, 'page N: a -> b')."""
    import io
    import random

    import pikepdf

    rng = random.Random(seed)
    doc = pikepdf.open(io.BytesIO(pdf))
    spots = []
    for spot in digit_spots(doc, range(len(doc.pages))):
        old = spot_digit(doc, spot)
        others = [d for d in "0123456789" if d != old and d in spot[4].values()]
        if others:
            spots.append((spot, old, others))
    spot, old, others = rng.choice(spots)
    new = rng.choice(others)
    return with_digit(doc, spot, new), f"page {spot[0] + 1}: {old} -> {new}"


def start_preview(folder: Path, log: Path, timeout: float = 120.0, env: dict | None = None):
    """`reportgen preview FOLDER --port 0` in its own process (in `env`, else this one's), its
    output in `log`: (the process, the URL it printed) once it serves; the process is ended if
    it never does."""
    import re
    import subprocess
    import sys
    import time

    out = open(log, "w")  # noqa: SIM115 (the process writes to it until it ends)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "preview", str(folder), "--port", "0"],
        stdout=out, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    out.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        found = re.search(r"serving (http://127\.0\.0\.1:\d+/)", log.read_text(encoding="utf-8"))
        if found:
            return proc, found.group(1)
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise AssertionError(f"the preview did not serve: {log.read_text(encoding='utf-8')[-800:]}")


def time_save(page, file: Path, sentence: str, timeout_ms: int = 10_000) -> float:
    """Save `file` with `sentence` added (as an editor does: the whole file written), then wait
    until the open page shows the sentence: the seconds from the save to the text."""
    import time

    text = file.read_text(encoding="utf-8")
    t0 = time.perf_counter()
    file.write_text(f"{text}\n{sentence}\n", encoding="utf-8")
    page.get_by_text(sentence).wait_for(timeout=timeout_ms)
    return time.perf_counter() - t0
