"""`reportgen preview` in a real browser: Debian's chromium driven by playwright, the preview in
its own process on a free port, over a folder made by `reportgen init` and built once.

A saved sentence is waited for (10 s at most) and the time from the save to the text printed:
the 1 s target is `make bench ARGS=--preview`'s to judge, not a test's. A broken file shows a
banner with its line until a save fixes it; Ctrl-C stops the server cleanly. No request may
leave 127.0.0.1. Screenshots go to $REPORTGEN_SCREENSHOTS or the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
from pathlib import Path

import pytest

from ..helpers import CHROMIUM, chromium_browser, start_preview, time_save

pytestmark = pytest.mark.slow  # a real chromium and a server in its own process

SAVES = 5


@pytest.fixture(scope="module")
def served(student_run, tmp_path_factory):
    """(folder, URL, process, log): the preview of a copy of the session's built folder."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    folder = tmp_path_factory.mktemp("preview") / "rapport"
    shutil.copytree(student_run, folder)
    log = folder.parent / "preview.log"
    proc, url = start_preview(folder, log)
    try:
        yield folder, url, proc, log
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(served):
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def page(served, browser):
    """The preview open, with every request that would leave 127.0.0.1 refused and listed."""
    _, url, _, _ = served
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.outside = []

    def guard(route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    yield page
    page.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("REPORTGEN_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_saved_sentence_shows_in_the_open_page(served, page, shots):
    folder, _, _, log = served
    own = folder / "sjalvutvardering.md"
    page.get_by_text("Till utbildningsledaren").scroll_into_view_if_needed()
    where = page.evaluate("window.scrollY")
    times = [
        time_save(page, own, f"Mening {i}: jag sparade och sidan visade det.") for i in range(SAVES)
    ]
    print(
        f"save -> visible in chromium, {SAVES} saves: median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s ({', '.join(f'{t:.3f}' for t in times)})"
    )
    page.screenshot(path=str(shots / "preview-saved.png"))
    assert abs(page.evaluate("window.scrollY") - where) < 200  # the reader stays where they were
    assert page.outside == []
    # the PDF's HTML is untouched: the preview renders in memory, for the page only
    assert "jag sparade" not in (folder / "output" / "report.html").read_text(encoding="utf-8")
    assert "page updated" in log.read_text(encoding="utf-8")


def test_a_broken_file_shows_its_line_in_the_page_until_fixed(served, page, shots):
    folder, _, proc, _ = served
    config = folder / "report.toml"
    good = config.read_text(encoding="utf-8")
    line = good.splitlines().index("[tuning]") + 1
    config.write_text(good.replace("[tuning]", "[tuning"), encoding="utf-8")
    banner = page.locator("#reportgen-preview-banner")
    banner.wait_for(timeout=10_000)
    assert f"line {line}" in banner.inner_text() and "not valid TOML" in banner.inner_text()
    page.screenshot(path=str(shots / "preview-error.png"))
    config.write_text(good, encoding="utf-8")
    banner.wait_for(state="detached", timeout=10_000)

    own = folder / "mallar" / "sv"  # a custom template that does not compile, then does
    own.mkdir(parents=True)
    template = own / "self_evaluation.html"
    template.write_text("<h2>Min egen</h2>\n{% if %}\n", encoding="utf-8")
    config.write_text(good.replace('templates_dir = ""', 'templates_dir = "mallar"'), "utf-8")
    banner.wait_for(timeout=10_000)
    assert "sv/self_evaluation.html line 2" in banner.inner_text()
    template.write_text("<h2>Min egen rubrik</h2>\n", encoding="utf-8")
    page.get_by_text("Min egen rubrik").wait_for(timeout=10_000)
    assert page.locator("#reportgen-preview-banner").count() == 0
    assert proc.poll() is None  # the server lived through both
    config.write_text(good, encoding="utf-8")


def test_ctrl_c_stops_the_preview_cleanly(served):
    _, url, proc, log = served
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert log.read_text(encoding="utf-8").rstrip().endswith("preview: stopped")
