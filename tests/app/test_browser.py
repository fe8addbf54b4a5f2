"""The app in a real browser: Debian's chromium driven by playwright, the server on a free port.

Draws a 7 on the canvas with the mouse and reads what each model says; no request may leave
127.0.0.1. Screenshots of every page go to $REPORTGEN_SCREENSHOTS (`make app-screenshots`)
or the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.cli import main

from ..helpers import CHROMIUM, app_answers, chromium_browser, write_fast_toml

PAGES = {  # the first page is the default: Streamlit serves it at the root
    "": "Körningar",
    "resultat": "Resultat",
    "jamfor": "Jämför",
    "rita": "Rita en siffra",
}


pytestmark = pytest.mark.slow  # a real chromium and Streamlit server: make test-slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`reportgen app OUT` serving two runs of 1,000 sample digits (tiny grids with seed 7, then
    the built-in grids); its URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from reportgen.app.server import free_port

    tmp = tmp_path_factory.mktemp("browser")
    out = tmp / "out"
    fast = write_fast_toml(tmp / "fast.toml")  # an older run, only for the comparison page
    argv = ["build", "--dataset", "sample", "--limit", "1000", "--no-render", "--out", str(out)]
    assert main([*argv, "--config", fast, "--seed", "7"]) == 0
    assert main(argv) == 0  # the newest run, chosen first: the built-in grids
    port = free_port()
    log = open(tmp / "server.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "app", str(out), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        if not app_answers(url):
            pytest.fail(f"no answer from {url}: {(tmp / 'server.log').read_text()[-500:]}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(server):
    with chromium_browser() as chromium:
        yield chromium


def _settled(page) -> None:
    """Until the script stopped running (no status widget) and the page has its title."""
    page.wait_for_selector("h1", timeout=60_000)
    for _ in range(120):
        if not page.query_selector("[data-testid='stStatusWidget']"):
            break
        time.sleep(0.25)
    for _ in range(120):  # widgets whose code is still loading show as skeletons
        if not page.query_selector("[data-testid*='Skeleton']"):
            break
        time.sleep(0.25)
    page.wait_for_load_state("networkidle")  # the widgets' code chunks have arrived
    time.sleep(2.0)  # tables draw on a canvas, after the DOM is there


def _canvas(page):
    for _ in range(120):
        for frame in page.frames:  # the component's iframe; playwright pierces its shadow root
            found = frame.query_selector("canvas.upper-canvas")
            if found:
                return found
        time.sleep(0.25)
    pytest.fail("no drawing canvas on the page")


def test_every_page_a_drawn_seven_and_nothing_leaves_the_machine(server, browser, tmp_path):
    shots = Path(os.environ.get("REPORTGEN_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    outside: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(server)  # a first visit loads the widgets' code; the screenshots come after it
    _settled(page)
    for path, title in PAGES.items():
        page.goto(f"{server}/{path}")
        _settled(page)
        if path == "rita":
            _canvas(page)  # the drawing component's own page has loaded
            time.sleep(1.0)
        assert page.inner_text("h1") == title
        assert not page.query_selector_all("[data-testid='stException']"), path
        assert not page.query_selector("[data-testid='stAppDeployButton']")
        assert not page.get_by_text("Page not found").count(), path
        page.screenshot(path=str(shots / f"app-{path or 'korningar'}.png"))

    box = _canvas(page).bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 80, y + 60)  # a 7: the bar, then the long stroke down to the left
    page.mouse.down()
    page.mouse.move(x + 200, y + 60, steps=15)
    page.mouse.move(x + 130, y + 230, steps=20)
    page.mouse.up()
    for _ in range(120):
        text = page.inner_text("body")
        if "Det modellerna fick" in text and "Regressionsmodeller" in text:
            break
        time.sleep(0.25)
    _settled(page)
    text = page.inner_text("body")
    said = dict(re.findall(r"(Logistisk regression|MLPClassifier): (\d)", text))
    page.screenshot(path=str(shots / "app-rita-7.png"))
    print(f"a drawn 7: {said}")
    assert said.get("MLPClassifier") == "7", said
    assert set(said) == {"Logistisk regression", "MLPClassifier"}
    assert outside == [], outside
