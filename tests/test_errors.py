"""Bad input: one line on stderr, exit 2, and the previous report, results and cache untouched.

Every case runs `reportgen.cli.main` against OUT of one complete earlier build (session
fixture `previous_build`) and compares the bytes of every file in OUT and in the cache.
"""

from __future__ import annotations

import errno
import gzip
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from reportgen import files, pipeline, runs
from reportgen.cli import main
from reportgen.errors import DataError
from reportgen.locations import TEMPLATES_DIR

from .helpers import write_idx


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file and folder under OUT (report, results, run, figures, runs/) and the cache."""
    cache = Path(os.environ["REPORTGEN_CACHE_DIR"])
    state = {}
    for label, root in (("out", out), ("cache", cache)):
        for path in sorted(root.rglob("*")):
            rel = f"{label}/{path.relative_to(root)}"
            state[rel] = path.read_bytes() if path.is_file() else b"<dir>"
    return state


def assert_clean_error(argv: list[str], words: list[str], out: Path, capsys) -> str:
    """The CLI exits 2 with one `reportgen: error:` line holding `words`; OUT and cache kept."""
    before = snapshot(out)
    capsys.readouterr()
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("reportgen: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    assert "Traceback" not in err
    after = snapshot(out)
    assert after.keys() == before.keys(), sorted(set(after) ^ set(before))
    changed = [k for k in before if before[k] != after[k]]
    assert not changed, f"changed by a failed command: {changed}"
    return err


# --- data -----------------------------------------------------------------------------------


def _replace(name: str, array: np.ndarray, **kwargs):
    return lambda folder: write_idx(folder / name, array, **kwargs)


def _cut_gzip(name: str, keep: int):
    return lambda folder: (folder / name).write_bytes((folder / name).read_bytes()[:keep])


def _raw_truncated(name: str):
    def corrupt(folder: Path) -> None:
        path = folder / name
        path.write_bytes(gzip.decompress(path.read_bytes())[:-100])  # raw IDX, body cut short

    return corrupt


def _empty(folder: Path) -> None:
    write_idx(folder / "train-images-idx3-ubyte.gz", np.zeros((0, 28, 28)))
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(0))
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((0, 28, 28)))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(0))


IMAGES, LABELS = "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"
DATA_CASES = {
    "missing folder": (shutil.rmtree, ["does not exist", "set MNIST_DIR or idx:DIR"]),
    "missing file": (
        lambda folder: (folder / LABELS).unlink(),
        ["has no t10k-labels-idx1-ubyte", "must hold the four MNIST IDX files"],
    ),
    "wrong magic": (
        _replace(IMAGES, np.zeros((20, 28, 28)), magic=b"\x00\x00\x08\x01"),
        ["IDX magic 00 00 08 01, expected 00 00 08 03", "not an idx3-ubyte file"],
    ),
    "truncated gzip": (_cut_gzip(IMAGES, 40), ["truncated or corrupt gzip", "download it again"]),
    "not gzip, not IDX": (
        lambda folder: (folder / IMAGES).write_bytes(b"<html>404 Not Found</html>\n" * 20),
        ["IDX magic 3c 68 74 6d", "not an idx3-ubyte file"],
    ),
    "truncated raw IDX": (_raw_truncated(IMAGES), ["is truncated", "download it again"]),
    "count mismatch": (
        _replace("train-labels-idx1-ubyte.gz", np.arange(7) % 10),
        ["20 images but 7 labels", "use matching files"],
    ),
    "wrong image size": (
        _replace("t10k-images-idx3-ubyte.gz", np.zeros((10, 20, 20))),
        ["images are 20x20, MNIST's are 28x28", "original MNIST files"],
    ),
    "labels outside 0-9": (
        _replace(LABELS, np.full(10, 12)),
        ["labels must be digits 0-9, found 12..12", "original MNIST label files"],
    ),
    "empty data set": (_empty, ["the data set is empty", "point to files that hold digits"]),
}


@pytest.mark.parametrize("case", DATA_CASES)
def test_bad_idx_data(case, previous_build, tmp_path, capsys, make_mnist_dir):
    out, config = previous_build
    corrupt, words = DATA_CASES[case]
    folder = make_mnist_dir(tmp_path / "mnist")
    corrupt(folder)
    argv = ["build", "--config", config, "--dataset", f"idx:{folder}", "--out", str(out)]
    assert_clean_error(argv, words, out, capsys)


@pytest.mark.parametrize(
    "limit, words",
    [
        (6000, ["--limit 6000 is larger than the data set (5000 digits)", "lower it"]),
        (5, ["--limit 5 is too small to stratify", "use at least 200"]),
        (40, ["40 digits are too few for a stratified", "raise --limit"]),
    ],
    ids=["above the data", "too small to stratify", "too small for the split"],
)
def test_bad_limit(limit, words, previous_build, capsys):
    out, config = previous_build
    argv = ["build", "--config", config, "--dataset", "sample", "--limit", str(limit)]
    assert_clean_error([*argv, "--out", str(out)], words, out, capsys)


def test_debug_shows_the_traceback(previous_build, tmp_path):
    out, config = previous_build
    with pytest.raises(DataError, match="does not exist"):
        main(["--debug", "build", "--config", config, "--dataset", f"idx:{tmp_path / 'no'}"])


# --- config ---------------------------------------------------------------------------------

HEAD = '[report]\ndate = "2026-01-15"\n'
CONFIG_CASES = {
    "unreadable TOML": ('[report\ndate = "2026-01-15"\n', ["is not valid TOML", "line 1"]),
    "not UTF-8": (b"\xff\xfe[report]\n", ["is not valid TOML", "utf-8"]),
    "unknown key": (HEAD + "[data]\nsed = 3\n", ["unknown key data.sed", "did you mean 'seed'"]),
    "unknown section": (HEAD + "[tunning]\ncv = 2\n", ["[tunning]", "did you mean 'tuning'"]),
    "wrong type": (HEAD + '[data]\nseed = "x"\n', ["data.seed must be an integer, got 'x'"]),
    "split not a list of numbers": (
        HEAD + '[data]\nsplit = ["a"]\n',
        ["data.split must be three fractions in (0, 1) summing to 1, got ['a']"],
    ),
    "empty grid": (
        HEAD + "[grids.ridge]\nalpha = []\n",
        ["grids.ridge.alpha is empty", "give at least one value"],
    ),
    "grid not a list": (
        HEAD + "[grids.ridge]\nalpha = 1.0\n",
        ["grids.ridge.alpha must be a list"],
    ),
    "unknown model": (
        HEAD + "[grids.ridgee]\nalpha = [1.0]\n",
        ["unknown model grids.ridgee", "did you mean 'ridge'"],
    ),
    "unknown hyperparameter": (
        HEAD + "[grids.ridge]\nalfa = [1.0]\n",
        ["Ridge has no parameter 'alfa'", "did you mean 'alpha'"],
    ),
    "alpha = -1": (
        HEAD + "[grids.lasso]\nalpha = [-1]\n",
        ["grids.lasso.alpha", "'alpha' parameter of Lasso", "Got -1"],
    ),
    'activation = "sigmoid"': (
        HEAD + '[grids.mlp]\nactivation = ["sigmoid"]\n',
        ["grids.mlp.activation", "'activation' parameter of MLPClassifier", "'sigmoid'"],
    ),
    "bad date": ('[report]\ndate = "24/11/2026"\n', ["report.date must be YYYY-MM-DD"]),
    "missing self-evaluation": (
        HEAD + 'self_evaluation = "nope.md"\n',
        ["report.self_evaluation", "nope.md is not a file", "fix the path"],
    ),
    "missing templates_dir": (
        HEAD + 'templates_dir = "/nonexistent/tpl"\n',
        ["report.templates_dir /nonexistent/tpl is not a folder"],
    ),
}


@pytest.fixture
def no_analysis(monkeypatch):
    """Fails the test if the build gets as far as loading data or fitting."""
    calls = []
    monkeypatch.setattr(pipeline, "analyse", lambda *a, **k: calls.append(a) or 1 / 0)
    yield
    assert not calls, "the analysis started despite an invalid config"


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_bad_config(case, previous_build, tmp_path, capsys, no_analysis, build_args):
    out, _ = previous_build
    text, words = CONFIG_CASES[case]
    path = tmp_path / "bad.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    err = assert_clean_error(
        ["build", "--config", str(path), *build_args, "--out", str(out)], words, out, capsys
    )
    assert "invalid config" in err


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--cv", "1"], ["tuning.cv must be 0 (validation split) or at least 2, got 1"]),
        (["--n-jobs", "0"], ["tuning.n_jobs must be -1 or positive"]),
        (["--dataset", "mnist"], ["data.dataset must be auto, sample, openml or idx:DIR"]),
        (["--limit", "-3"], ["data.n_samples must be 0 (all) or positive"]),
    ],
    ids=["cv", "n-jobs", "dataset", "limit"],
)
def test_bad_flags(flags, words, previous_build, capsys, no_analysis):
    out, config = previous_build
    assert_clean_error(["build", "--config", config, *flags, "--out", str(out)], words, out, capsys)


def test_config_that_is_a_folder(previous_build, tmp_path, capsys, no_analysis):
    out, _ = previous_build
    argv = ["build", "--config", str(tmp_path), "--out", str(out)]
    assert_clean_error(argv, ["cannot read config file", str(tmp_path)], out, capsys)


def test_every_config_problem_is_listed_at_once(previous_build, tmp_path, capsys, no_analysis):
    out, _ = previous_build
    bad = tmp_path / "bad.toml"
    bad.write_text(
        HEAD
        + 'titel = "x"\n[data]\nsed = 3\nn_samples = "many"\n[tunning]\n'
        + '[grids.lasso]\nalpha = [-1]\n[grids.mlp]\nactivation = ["sigmoid"]\n'
        + "[grids.ridge]\nalpha = []\n[grids.svm]\nC = [1]\n"
    )
    words = [
        "invalid config (8 problems)",
        "unknown key report.titel (did you mean 'title'?)",
        "unknown key data.sed (did you mean 'seed'?)",
        "data.n_samples must be 0 (all) or positive, got 'many'",
        "unknown section [tunning]",
        "grids.lasso.alpha",
        "grids.mlp.activation",
        "grids.ridge.alpha is empty",
        "unknown model grids.svm",
    ]
    argv = ["build", "--config", str(bad), "--out", str(out)]
    assert_clean_error(argv, words, out, capsys)
    assert capsys.readouterr().out == ""  # not even the data line: nothing started


# --- templates ------------------------------------------------------------------------------


def _broken_templates(folder: Path, line: str) -> Path:
    """A templates_dir whose sv/introduction.html is the shipped one with `line` as its line 3."""
    lines = (TEMPLATES_DIR / "sv" / "introduction.html").read_text().splitlines(True)
    (folder / "sv").mkdir(parents=True)
    (folder / "sv" / "introduction.html").write_text("".join([*lines[:2], line, *lines[2:]]))
    return folder


@pytest.mark.parametrize("command", ["build", "render"])
@pytest.mark.parametrize(
    "line, words",
    [
        ("{% if %}\n", ["introduction.html line 3", "Expected an expression"]),
        ("<p>{{ nope }}</p>\n", ["introduction.html line 3", "'nope' is undefined"]),
    ],
    ids=["syntax error", "undefined variable"],
)
def test_template_error_names_file_and_line(
    command, line, words, previous_build, tmp_path, capsys, build_args, write_fast_toml
):
    out, _ = previous_build
    tpl = _broken_templates(tmp_path / "tpl", line)
    config = write_fast_toml(tmp_path / "tpl.toml", report={"templates_dir": str(tpl)})
    if command == "build":  # the analysis comes from the cache: only the render fails
        argv = ["build", "--config", config, *build_args, "--out", str(out)]
    else:  # render --config must not rewrite results.json before the render succeeded
        argv = ["render", str(out), "--config", config]
    assert_clean_error(argv, words, out, capsys)


# --- output ---------------------------------------------------------------------------------


def test_output_under_a_regular_file(previous_build, tmp_path, capsys, build_args):
    out, config = previous_build
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    argv = ["build", "--config", config, *build_args, "--out", str(blocker / "out")]
    words = ["cannot write to output directory", "choose another --out"]
    assert_clean_error(argv, words, out, capsys)


@pytest.mark.parametrize(
    "where, code, words",
    [
        ("staging", errno.ENOSPC, ["No space left on device", "free space on that disk"]),
        ("publish", errno.ENOSPC, ["No space left on device", "free space on that disk"]),
        ("staging", errno.EACCES, ["Permission denied", "fix its permissions"]),
        ("publish", errno.EROFS, ["Read-only file system", "fix its permissions"]),
    ],
    ids=["disk full while staging", "disk full while publishing", "unwritable", "read-only"],
)
def test_write_failures_keep_the_previous_report(
    where, code, words, previous_build, monkeypatch, capsys, build_args
):
    """Writes into the staging folder or into OUT itself fail like a full or locked disk."""
    out, config = previous_build
    real = files.write_temp

    def failing(path, data):
        path = Path(path)
        hit = path.parent == out if where == "publish" else ".building-" in str(path.parent)
        if hit:
            raise OSError(code, os.strerror(code), str(path))
        return real(path, data)

    monkeypatch.setattr(files, "write_temp", failing)
    monkeypatch.setattr(runs, "write_temp", failing)
    argv = ["build", "--config", config, *build_args, "--out", str(out)]
    assert_clean_error(argv, [*words, str(out)], out, capsys)


# --- render and diff inputs -----------------------------------------------------------------


def _no_attachment_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "plain.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def _not_a_pdf(tmp_path: Path) -> Path:
    (tmp_path / "x.pdf").write_bytes(b"GIF89a, not a PDF at all")
    return tmp_path / "x.pdf"


def _corrupt_run(tmp_path: Path) -> Path:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "results.json").write_text('{"schema_version": 1,')
    return tmp_path / "run"


INPUT_CASES = {
    "render: a folder without a run": (
        lambda t, out: ["render", str(t)],
        ["results.json not found", "give a run directory made by `reportgen build`"],
    ),
    "render: a missing folder": (
        lambda t, out: ["render", str(t / "nope")],
        ["nope not found", "give a run directory made by `reportgen build`"],
    ),
    "render: corrupt results.json": (
        lambda t, out: ["render", str(_corrupt_run(t))],
        ["is not valid JSON", "rebuild it"],
    ),
    "diff: a folder without a run": (
        lambda t, out: ["diff", str(t), str(out)],
        ["results.json not found", "reportgen build"],
    ),
    "diff: a missing path": (
        lambda t, out: ["diff", str(out), str(t / "nope")],
        ["does not exist", "give a run directory, results.json or PDF"],
    ),
    "diff: a PDF without attached results": (
        lambda t, out: ["diff", str(_no_attachment_pdf(t)), str(out)],
        ["has no attached results.json", "report PDF made by"],
    ),
    "diff: not a PDF": (
        lambda t, out: ["diff", str(out), str(_not_a_pdf(t))],
        ["is not a PDF", "give a report PDF"],
    ),
    "diff: --output under a regular file": (
        lambda t, out: ["diff", str(out), str(out), "--output", str(out / "report.pdf" / "d")],
        ["Not a directory", "check the path"],
    ),
}


@pytest.mark.parametrize("case", INPUT_CASES)
def test_render_and_diff_inputs(case, previous_build, tmp_path, capsys):
    out, _ = previous_build
    argv, words = INPUT_CASES[case]
    assert_clean_error(argv(tmp_path, out), words, out, capsys)
