"""The preview's state in-process: a save re-renders the HTML from the cached run (no fit), a
problem is a banner over the last good page until fixed, a new analysis rebuilds the run."""

from __future__ import annotations

import os
import re
import threading

import pytest

from reportgen.preview.session import Preview, analysis_changes
from reportgen.preview.watch import Watcher, watched_files
from reportgen.results import read_results


@pytest.fixture
def preview(student, monkeypatch):
    """A started preview of the student's folder (from inside it, as the command runs), and
    what it said."""
    monkeypatch.chdir(student)
    said: list[str] = []
    p = Preview(student, lambda message, transient=False: said.append(message))
    p.start()
    p.said = said
    yield p
    p.close()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_saved_sentence_is_in_the_next_page_and_nothing_is_fitted_or_written(
    preview, self_evaluation, student
):
    before = preview.shown
    pdf = (student / "output" / "report.pdf").read_bytes()
    html = (student / "output" / "report.html").read_bytes()
    results = (student / "output" / "results.json").read_bytes()
    assert before.banner == "" and "vänta på en modell" not in before.html
    self_evaluation.write_text("## Utmaningar\n\nJag lärde mig att vänta på en modell.\n")
    preview.refresh([self_evaluation])
    after = preview.shown
    assert after.version != before.version
    assert "Jag lärde mig att vänta på en modell." in _text(after.html)
    assert after.banner == ""
    # the run on disk is as it was: no fit, no PDF, no report.html with the preview's script
    assert (student / "output" / "report.pdf").read_bytes() == pdf
    assert (student / "output" / "report.html").read_bytes() == html
    assert (student / "output" / "results.json").read_bytes() == results
    assert not any("changed" in line for line in preview.said), preview.said


def test_a_broken_config_is_a_banner_with_its_line_over_the_last_good_page(preview, student):
    config = student / "report.toml"
    good = config.read_text(encoding="utf-8")
    shown = preview.shown.html
    config.write_text(good.replace("[data]", "[data"), encoding="utf-8")
    line = good.splitlines().index("[data]") + 1
    preview.refresh([config])
    broken = preview.shown
    assert broken.kind == "error"
    assert "not valid TOML" in broken.banner and f"line {line}" in broken.banner
    assert broken.html == shown  # the last good page stays under the banner
    assert any("error" in said and f"line {line}" in said for said in preview.said)
    config.write_text(good.replace('title = "', 'title = "Ny titel: '), encoding="utf-8")
    preview.refresh([config])
    fixed = preview.shown
    assert fixed.banner == "" and fixed.kind == ""
    assert "Ny titel:" in fixed.html


def test_a_broken_custom_template_names_its_file_and_line_until_fixed(preview, student):
    """A custom template (report.templates_dir) that does not compile; the folder joins the
    watched files once the config names it."""
    own = student / "mallar" / "sv"
    own.mkdir(parents=True)
    template = own / "self_evaluation.html"
    template.write_text("<h2>Egen</h2>\n<p>{{ meta.author }</p>\n", encoding="utf-8")
    config = student / "report.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('templates_dir = ""', 'templates_dir = "mallar"'), "utf-8")
    preview.refresh([config])
    assert preview.shown.kind == "error"
    assert "sv/self_evaluation.html line 2" in preview.shown.banner
    assert template.resolve() in {p.resolve() for p in preview.watched()}
    template.write_text("<h2>Egen rubrik</h2>\n<p>{{ meta.author }}</p>\n", encoding="utf-8")
    preview.refresh([template])
    assert preview.shown.banner == ""
    assert "Egen rubrik" in preview.shown.html


def test_a_self_evaluation_that_does_not_read_is_shown_then_cleared(preview, self_evaluation):
    self_evaluation.write_bytes(b"Trasig \xff text\n")
    preview.refresh([self_evaluation])
    assert preview.shown.kind == "error"
    assert "report.self_evaluation" in preview.shown.banner
    self_evaluation.write_text("Hel text igen.\n", encoding="utf-8")
    preview.refresh([self_evaluation])
    assert preview.shown.banner == "" and "Hel text igen." in preview.shown.html


def test_another_language_draws_its_own_figures_and_says_so_by_their_key(preview, student):
    config = student / "report.toml"
    first = preview.shown
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('lang = "sv"', 'lang = "en"'), encoding="utf-8")
    preview.refresh([config])
    english = preview.shown
    assert english.banner == "", english.banner
    assert english.figures_key != first.figures_key
    assert english.figures != student / "output" / "figures"
    assert sorted(p.name for p in english.figures.iterdir()) == sorted(
        p.name for p in (student / "output" / "figures").iterdir()
    )
    assert 'lang="en"' in english.html


def test_the_analysis_keys_are_those_outside_report(student, monkeypatch):
    from reportgen.config import load_config

    monkeypatch.chdir(student)
    results = read_results(student / "output")
    config = student / "report.toml"
    text = config.read_text(encoding="utf-8")
    assert analysis_changes(results, load_config(config)) == []
    config.write_text(
        text.replace('author = "', 'author = "Anna ').replace("seed = 42", "seed = 7")
    )
    assert analysis_changes(results, load_config(config)) == ["data.seed"]
    config.write_text(text.replace("alpha = [1.0, 100.0]", "alpha = [2.0, 100.0]"))
    assert analysis_changes(results, load_config(config)) == ["grids.ridge"]


@pytest.mark.slow  # a rebuild: fits and a PDF, 10-25 s
def test_a_new_analysis_is_said_then_rebuilt_and_shown(preview, student):
    config = student / "report.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("n_samples = 300", "n_samples = 400"), encoding="utf-8")
    banners: list[tuple[str, str]] = []
    seen = preview.shown.version

    def follow() -> None:  # what the page is told while the run is rebuilt
        nonlocal seen
        while (shown := preview.wait(seen, 60)) is not None:
            banners.append((shown.kind, shown.banner))
            seen = shown.version
            if shown.kind != "info":
                return

    listener = threading.Thread(target=follow)
    listener.start()
    preview.refresh([config])
    listener.join(10)
    assert banners[0][0] == "info" and "data.n_samples" in banners[0][1], banners
    assert banners[-1] == ("", ""), banners
    assert read_results(student / "output").dataset.n_samples == 400
    assert any("the analysis config changed (data.n_samples)" in s for s in preview.said)


def test_the_watched_files_follow_the_config(student, monkeypatch):
    from reportgen.config import load_config

    monkeypatch.chdir(student)
    config = student / "report.toml"
    cfg = load_config(config)
    files = watched_files(config, cfg, student / "output")
    assert files == [
        config,
        student / "output" / "results.json",
        student / "sjalvutvardering.md",
        student / "slutsats.md",  # reportgen init's own section
    ]
    assert watched_files(config, None, student / "output") == files[:2]


def test_an_own_section_follows_each_save_and_a_typo_is_its_line_until_fixed(preview, student):
    section = student / "slutsats.md"
    section.write_text("Min egen mening: {{ mlp.tuned.test.accuracy }} rätt.\n", "utf-8")
    preview.refresh([section])
    assert preview.shown.banner == "", preview.shown.banner
    assert re.search(r"Min egen mening: \d+,\d %", _text(preview.shown.html))
    section.write_text("Rad ett.\n\nRad tre {{ mlp.tuned.test.acuracy }}.\n", "utf-8")
    preview.refresh([section])
    assert preview.shown.kind == "error"
    assert "slutsats.md:3:" in preview.shown.banner
    assert "did you mean 'mlp.tuned.test.accuracy'" in preview.shown.banner
    section.write_text("Rättat.\n", "utf-8")
    preview.refresh([section])
    assert preview.shown.banner == "" and "Rättat." in preview.shown.html


def test_the_watcher_sees_a_save_made_in_place_or_by_renaming(student):
    target = student / "sjalvutvardering.md"
    watcher = Watcher(lambda: [target, student / "report.toml"], poll=0.01)
    stop = threading.Event()
    target.write_text("ny text\n", encoding="utf-8")
    os.utime(target, ns=(1, 1))  # another stamp even on a coarse clock
    assert watcher.wait(stop) == [target]
    replacement = student / ".sjalvutvardering.md.tmp"  # as editors save: a new file renamed
    replacement.write_text("ny text\n", encoding="utf-8")
    os.replace(replacement, target)
    assert watcher.wait(stop) == [target]
    stop.set()
    assert watcher.wait(stop) == []
