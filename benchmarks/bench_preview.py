"""`make bench ARGS=--preview`: from a save to the open page, in chromium, on the sample's run.

A student's folder as `reportgen init` makes it, on the embedded sample (5,000 digits, the
built-in grids), built once (`reportgen build`, timed); then `reportgen preview` in its own
process and the page open in Debian's chromium (playwright). The self-evaluation is saved SAVES
times, each with a new sentence, and each time the seconds from the save until the open page
shows the sentence are measured (tests/helpers.time_save, as the browser test does). Target:
the median and the slowest under TARGET_SECONDS. No MNIST needed; nothing is fitted after the
build.
"""

from __future__ import annotations

import re
import signal
import statistics
import sys
from pathlib import Path
from typing import Any

SAVES = 10
TARGET_SECONDS = 1.0


def student_folder(work: Path, env: dict[str, str], child) -> Path:
    """`reportgen init`, on the sample with a fixed date."""
    folder = work / "rapport"
    child([sys.executable, "-m", "reportgen", "init", str(folder)], env)
    config = folder / "report.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^dataset = "auto"', 'dataset = "sample"', text)
    text = re.sub(r'(?m)^date = "[0-9-]+"', 'date = "2026-01-15"', text)
    config.write_text(text, encoding="utf-8")
    return folder


def preview_bench(work: Path, env: dict[str, str], child) -> dict[str, Any]:
    """The build's seconds, then each save's seconds to the page, their median and slowest."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("bench: --preview needs playwright: make setup-dev") from None
    from tests.helpers import CHROMIUM, CHROMIUM_FLAGS, start_preview, time_save

    if not Path(CHROMIUM).exists():
        raise SystemExit("bench: --preview needs chromium: apt-get install chromium")
    folder = student_folder(work, env, child)
    print("bench: reportgen build of the sample (cold cache)...", file=sys.stderr)
    out = folder / "output"
    build = [sys.executable, "-m", "reportgen", "build", "--config", str(folder / "report.toml")]
    build_s, _, _ = child([*build, "--out", str(out)], env)
    print(f"bench: reportgen preview, {SAVES} saves in chromium...", file=sys.stderr)
    proc, url = start_preview(folder, work / "preview.log", env=env)
    own = folder / "sjalvutvardering.md"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(url)
            page.wait_for_load_state("networkidle")
            page.get_by_text("Till utbildningsledaren").scroll_into_view_if_needed()
            seconds = [
                time_save(page, own, f"Mening {i} av {SAVES}: sparad och visad.")
                for i in range(SAVES)
            ]
            browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        stopped = proc.wait(timeout=30)
    return {
        "n_samples": 5000,
        "build_seconds": build_s,
        "saves": SAVES,
        "seconds": seconds,
        "median_seconds": statistics.median(seconds),
        "max_seconds": max(seconds),
        "target_seconds": TARGET_SECONDS,
        "stopped_with": stopped,
    }


def format_preview(r: dict[str, Any]) -> str:
    """The times, and whether the target was met."""
    met = r["median_seconds"] < r["target_seconds"] and r["max_seconds"] < r["target_seconds"]
    return "\n".join(
        [
            f"reportgen build of the sample: {r['build_seconds']:.1f} s",
            f"save -> visible in chromium, {r['saves']} saves: median {r['median_seconds']:.3f} s,"
            f" max {r['max_seconds']:.3f} s",
            "  " + ", ".join(f"{s:.3f}" for s in r["seconds"]),
            f"target: each saved sentence visible within {r['target_seconds']:.0f} s: "
            + ("met" if met else "MISSED"),
        ]
    )
