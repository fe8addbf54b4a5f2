"""Flags across a class: a planted class (copied bytes, copied results, copied and near-copied
self-evaluations, a copied analysis that is not the course's) among honest submissions.

The submissions are small PDFs carrying real attachments (the frozen sample run's results.json,
edited through the results model, with its manifest): what flags compare is what a PDF carries,
so no page needs rendering and the class is read in a second."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from reportgen.bundle.manifest import attachments_for
from reportgen.bundle.submission import read_submission
from reportgen.config import ConfigError, load_config, load_flags
from reportgen.results import Results
from reportgen.verify.batch import group_key
from reportgen.verify.course import departures
from reportgen.verify.flags import add_flags, jaccard, pair_line, shingles
from reportgen.verify.formats import FORMATS

from ..helpers import write_fast_toml

VOCABULARY = (
    "model data digit test split grid seed tuned default accuracy recall precision mlp ridge "
    "lasso pixel image train validation search halving score error class matrix confusion "
    "learned found better worse slower faster because therefore however results table figure "
    "chose kept changed alpha layer epoch report reproduce noise bias variance"
)
WORDS = VOCABULARY.split()

# file -> (author, seed, self-evaluation's key, analysis edit): texts with one key are copies
PLANTED = {
    "honest-1.pdf": ("Anna", 42, "h1", None),
    "honest-2.pdf": ("Bo", 42, "h2", None),
    "honest-3.pdf": ("Cilla", 7, "h3", "other"),  # departs like the copiers, its own analysis
    "honest-4.pdf": ("Dan", 11, "h4", "copied"),  # the copied numbers, but departs otherwise
    "pdf.pdf": ("Eva", 42, "p", None),  # pdf-copy.pdf: its bytes
    "results-1.pdf": ("Fia", 42, "r", None),  # results-2.pdf: another PDF, the same results
    "text-1.pdf": ("Gun", 42, "t", None),
    "text-2.pdf": ("Hugo", 42, "t-spaced", None),
    "near-1.pdf": ("Ida", 42, "n", None),
    "near-2.pdf": ("Jon", 42, "n-edited", None),
    "analysis-1.pdf": ("Kim", 7, "a1", "copied"),
    "analysis-2.pdf": ("Lo", 7, "a2", "copied"),
    "claimed-1.pdf": ("Max", 7, "c1", "claimed"),  # its own seed-7 analysis: reproduced
    "claimed-2.pdf": ("Ned", 42, "c2", "claimed"),  # those numbers claimed from seed 42: differs
}
# what verify would say of them (the rest: reproduced); honest-2 differs with the course's own
# numbers, which its seed-42 neighbours reproduce from the same config: no flag
VERDICTS = {"claimed-2.pdf": "differs", "honest-2.pdf": "differs"}
EXPECTED = {
    ("pdf.pdf", "pdf-copy.pdf"): ["same_pdf"],
    ("results-1.pdf", "results-2.pdf"): ["same_results"],
    ("text-1.pdf", "text-2.pdf"): ["same_self_evaluation"],
    ("near-1.pdf", "near-2.pdf"): ["near_copy"],
    ("analysis-1.pdf", "analysis-2.pdf"): ["same_analysis"],
    ("claimed-1.pdf", "claimed-2.pdf"): ["claimed_config"],
}


def _text(key: str) -> str:
    """80 words drawn by the key's own generator; 't-spaced' is 't' in other whitespace and
    case, 'n-edited' is 'n' with one word changed (Jaccard 51/61 of its 5-shingles)."""
    base = key.split("-")[0]
    draw = random.Random(base)
    words = [draw.choice(WORDS) for _ in range(60)]
    if key == "t-spaced":
        return "  ".join(words).upper().replace(" ", "\n", 3)
    if key == "n-edited":
        words[30] = "changed"
    return " ".join(words)


def _pdf(path: Path, results: Results, page_width: int = 72) -> Path:
    """A one-page PDF carrying `results` with its manifest, as a build attaches them."""
    from pypdf import PdfWriter

    from reportgen.report.pdf import render_environment

    writer = PdfWriter()
    writer.add_blank_page(page_width, 72)
    for name, text in attachments_for(results, {}, render_environment()).items():
        writer.add_attachment(name, text.encode("utf-8"))
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def _results(data: dict, author: str, seed: int, text: str, edit: str | None) -> Results:
    data = json.loads(json.dumps(data))
    data["config"]["report"]["author"] = author
    data["config"]["data"]["seed"] = seed
    data["self_evaluation"] = {"source": "self.md", "format": "markdown", "text": text}
    if edit:  # an analysis that is not the course's: one cell of the MLP's matrix moved
        matrix = data["models"]["mlp"]["tuned"]["confusion_matrix"]
        moved = {"copied": (1, 7), "other": (3, 9), "claimed": (2, 8)}[edit]
        matrix[moved[0]][moved[0]] -= 1
        matrix[moved[0]][moved[1]] += 1
    return Results.model_validate(data)


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, dict]:
    """(the planted class's folder, the course's config record)."""
    from tests.helpers import FIXTURE

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("planted")
    for name, (author, seed, key, edit) in PLANTED.items():
        _pdf(folder / name, _results(data, author, seed, _text(key), edit))
    shutil.copy(folder / "pdf.pdf", folder / "pdf-copy.pdf")
    again = read_submission(folder / "results-1.pdf").results
    _pdf(folder / "results-2.pdf", again, page_width=100)  # other bytes, the same attachments
    return folder, data["config"]


def _flagged(folder: Path, course: dict | None, near_copy: float = 0.8) -> dict:
    """The report add_flags makes of the planted class, as verify_class calls it."""
    from reportgen.verify.flags import evidence

    entries = []
    for pdf in sorted(folder.glob("*.pdf")):
        sub = read_submission(pdf)
        entry = {
            "path": pdf.name,
            "verdict": VERDICTS.get(pdf.name, "reproduced"),
            "_evidence": evidence(sub),
            "config": sub.results.config.model_dump(mode="json"),
            "group": group_key(sub.results.to_json()),
        }
        if course is not None:
            entry["departs"] = departures(course, sub.results.config.model_dump(mode="json"))
        entries.append(entry)
    report = {"submissions": entries}
    add_flags(report, course is not None, near_copy)
    return report


def test_every_planted_pair_is_flagged_and_no_honest_one(planted):
    folder, course = planted
    report = _flagged(folder, course)
    found = {
        tuple(sorted((p["a"], p["b"]), key=lambda n: n.replace("-copy", "~"))): [
            f["kind"] for f in p["flags"]
        ]
        for p in report["pairs"]
    }
    assert found == EXPECTED
    honest = [e for e in report["submissions"] if e["path"].startswith("honest")]
    assert all(e["flags"] == [] for e in honest)
    assert all("_evidence" not in e for e in report["submissions"])
    # each flag names the other and what they share
    near = next(e for e in report["submissions"] if e["path"] == "near-1.pdf")["flags"]
    assert near[0]["with"] == "near-2.pdf" and near[0]["score"] == round(51 / 61, 4)
    assert "Jaccard 0.84 of word 5-shingles (flagged from 0.80)" in near[0]["evidence"]
    copied = next(p for p in report["pairs"] if p["a"].startswith("analysis"))
    assert "data.seed: 42 -> 7" in copied["flags"][0]["evidence"]
    claimed = next(p for p in report["pairs"] if p["a"].startswith("claimed"))["flags"][0]
    assert claimed["evidence"] == (
        "claimed-2.pdf's attached analysis does not follow from its own config but is exactly "
        "claimed-1.pdf's, which reproduces from its config (claimed instead: data.seed: 7 -> 42)"
    )
    line = pair_line(next(p for p in report["pairs"] if p["a"] == "pdf-copy.pdf"))
    assert line.startswith("flagged: pdf-copy.pdf and pdf.pdf: same_pdf (the same PDF bytes")


def test_without_the_course_no_analysis_is_called_copied(planted):
    found = {(p["a"], p["b"]) for p in _flagged(planted[0], None)["pairs"]}
    assert ("analysis-1.pdf", "analysis-2.pdf") not in found
    assert ("text-1.pdf", "text-2.pdf") in found


def test_the_course_sets_the_near_copy_threshold(planted, tmp_path):
    course = write_fast_toml(tmp_path / "course.toml")
    text = Path(course).read_text(encoding="utf-8")
    Path(course).write_text(text + "\n[flags]\nnear_copy = 0.9\n", encoding="utf-8")
    assert load_flags(course).near_copy == 0.9 and load_flags(None).near_copy == 0.8
    load_config(course)  # a build reads the course's config and leaves [flags] to verify
    kinds = {p["a"]: p["flags"] for p in _flagged(planted[0], planted[1], 0.9)["pairs"]}
    assert "near-1.pdf" not in kinds and "text-1.pdf" in kinds
    Path(course).write_text(text + "\n[flags]\nnear_copy = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="flags.near_copy"):
        load_flags(course)


def test_shingles_ignore_case_whitespace_and_punctuation():
    a = shingles("One two three, four five six.")
    assert a == shingles("one  TWO three four\nfive six") and len(a) == 2
    assert jaccard(a, shingles("one two three four five seven")) == 1 / 3
    assert shingles("too short") == {("too", "short")}


def test_a_quoted_self_evaluation_is_safe_to_print_and_render():
    from reportgen.verify.flags import _quote

    assert _quote("Jag\ufffe gjorde\x07 allt\u00ad själv\ud800") == "Jag gjorde allt själv"


def test_the_flags_column_in_csv(planted):
    report = _flagged(planted[0], planted[1])
    for entry in report["submissions"]:
        entry.update(checks={}, details=[], seconds=0.0)
    report.update(summary={"reproduced": len(report["submissions"])})
    rows = FORMATS["csv"](report).splitlines()
    assert rows[0].split(",").count("flags") == 1
    flagged = [r for r in rows[1:] if "same_pdf with" in r]
    assert len(flagged) == 2 and any(r.startswith("pdf.pdf,") for r in flagged)


def test_a_bad_threshold_is_one_line_before_any_work(tmp_path, capsys):
    from reportgen.cli import main

    course = write_fast_toml(tmp_path / "course.toml")
    text = Path(course).read_text(encoding="utf-8") + '\n[flags]\nnear_copy = "high"\n'
    Path(course).write_text(text, encoding="utf-8")
    assert main(["verify", str(tmp_path), "--expect", course]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("reportgen: error: ") and "flags.near_copy" in err[-1], err
    assert "Traceback" not in "\n".join(err)
