"""The site's pictures, made from real runs (`make docs-pictures`): never drawn by hand.

Four students build on the embedded sample (one on another seed, one on 2,000 digits, one whose
PDF then gets a digit edited), the class is verified against a course config with a summary,
and then:

- report-*.png: pages of a report PDF (pdftoppm), chosen by their words;
- class-summary.png, class-submission.png: the summary's index.html and one student's page;
- compare.png, diff-heatmap.png: `reportgen compare` over the runs, `reportgen diff`'s heatmap;
- app-*.png: `reportgen app` over the runs (Streamlit), in Debian's chromium through playwright.

Each PNG is cut to 256 colours (Pillow) to keep the site small. Everything is made under
output/docs-pictures/ (not committed); the PNGs go to docs/pictures/, which is. Models are fitted
through the usual cache, so a second run takes a minute or so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import CHROMIUM, CHROMIUM_FLAGS, app_answers, digit_spots, spot_digit, with_digit  # noqa: E402

WORK = ROOT / "output" / "docs-pictures"
PICTURES = ROOT / "docs" / "pictures"
REPORTGEN = [sys.executable, "-m", "reportgen"]
DATE = "2026-11-24"
WIDTH = 1280

SELF_EVALUATION = """\
1. **Vad har varit roligast?** {fun}
2. **Vad har varit svårast?** {hard}
3. **Vilket betyg tycker du att du förtjänar?** {grade}
"""

# name, file in the class folder, the config's changes from the course's, their own answers
STUDENTS = [
    (
        "Åsa Öberg",
        "asa-oberg",
        "",
        "Att se att klassificeringen slår regressionen så tydligt.",
        "Att förstå varför linjär regression exploderar på pixlar som alltid är noll.",
        "VG: jag kan förklara varje tabell.",
    ),
    (
        "Björn Lind",
        "bjorn-lind",
        "[data]\nseed = 7\n",
        "Att rita egna siffror i appen och se MLP:n gissa rätt.",
        "Rutnätssökningen: vilka värden på alpha är rimliga att pröva?",
        "G, kanske VG om diskussionen håller.",
    ),
    (
        "Chen Wei",
        "chen-wei",
        "[data]\nn_samples = 2000\n",
        "Förväxlingsmatriserna, där syns det vilka siffror som liknar varandra.",
        "Att hinna köra på hela MNIST; jag valde 2 000 siffror.",
        "G.",
    ),
    (
        "Dana Ek",
        "dana-ek",
        "",
        "Teorifrågorna, särskilt k-means.",
        "Att skriva kort om regularisering.",
        "VG.",
    ),
]
COURSE = """\
[grading]
max = 10
reproduced = 10
within_tolerance = 10
differs = 5
tampered = 0
error = 0
departs = -1
"""


def run(*args: str) -> None:
    print("$ reportgen", " ".join(args), flush=True)
    done = subprocess.run([*REPORTGEN, *args], cwd=WORK)
    if done.returncode not in (0, 1):  # 1: verify, diff or compare found differences
        sys.exit(f"docs/pictures.py: reportgen {args[0]} failed ({done.returncode})")


def build_class() -> list[Path]:
    """Each student's build into one output folder (its run history), each PDF into class/."""
    (WORK / "class").mkdir()
    (WORK / "kurs.toml").write_text(COURSE)
    runs = []
    for name, file, changes, fun, hard, grade in STUDENTS:
        folder = WORK / "students" / file
        folder.mkdir(parents=True)
        answers = SELF_EVALUATION.format(fun=fun, hard=hard, grade=grade)
        (folder / "sjalvutvardering.md").write_text(answers)
        (folder / "report.toml").write_text(
            f'[report]\nauthor = "{name}"\ndate = "{DATE}"\n'
            f'self_evaluation = "sjalvutvardering.md"\n{changes}'
        )
        run("build", "--config", str(folder / "report.toml"), "--dataset", "sample", "--out", "out")
        latest = max((WORK / "out" / "runs").iterdir(), key=lambda p: p.stat().st_mtime)
        runs.append(latest)
        shutil.copy(WORK / "out" / "report.pdf", WORK / "class" / f"{file}.pdf")
    tamper(WORK / "class" / "dana-ek.pdf")
    return runs


def tamper(pdf: Path) -> None:
    """One digit of the tuned table's page drawn as another, as a PDF editor would."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        page = page_with(pdf, "Tabell 6.")
        spot = next(s for s in digit_spots(doc, range(page - 1, page)) if spot_digit(doc, s) == "3")
        edited = with_digit(doc, spot, "6")
    pdf.write_bytes(edited)


def page_text(pdf: Path, page: int) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_with(pdf: Path, *words: str) -> int:
    """The first page of `pdf` whose text holds every one of `words`."""
    for page in range(1, 40):
        text = page_text(pdf, page)
        if not text:
            break
        if all(w in text for w in words):
            return page
    sys.exit(f"docs/pictures.py: no page of {pdf.name} says {words}")


def report_pages(pdf: Path) -> None:
    pages = {
        "report-title": 1,
        "report-results": page_with(pdf, "Tabell 6.", "Figur 6."),
        "report-figure": page_with(pdf, "Figur 7."),
    }
    for name, page in pages.items():
        base = WORK / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(pdf), str(base)],
            check=True,
        )
        save(base.with_suffix(".png"), name)


def save(png: Path, name: str) -> None:
    """The PNG in 256 colours into docs/pictures/NAME.png."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=0)
        small.save(PICTURES / f"{name}.png", optimize=True)
    print(f"docs/pictures/{name}.png", flush=True)


def shoot(browser, url: str, name: str, height: int = 900, selector: str = "", width: int = WIDTH):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    page.wait_for_load_state("networkidle")
    shot = WORK / f"{name}.png"
    if selector:
        page.locator(selector).first.screenshot(path=str(shot))
    else:
        page.screenshot(path=str(shot))
    page.close()
    save(shot, name)


def app_pages(browser) -> None:
    """`reportgen app` over the class's runs: the list of runs and one run's results."""
    from reportgen.app.server import free_port

    port = free_port()
    with open(WORK / "app.log", "w") as log:
        server = subprocess.Popen(
            [*REPORTGEN, "app", "out", "--port", str(port)], cwd=WORK, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        try:
            if not app_answers(url):
                raise SystemExit(f"reportgen app gave no answer at {url}: see {WORK / 'app.log'}")
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for path, name in [("", "app-runs"), ("resultat", "app-results")]:
                page.goto(f"{url}/{path}")
                page.wait_for_selector("h1", timeout=60_000)
                page.wait_for_load_state("networkidle")
                for _ in range(120):  # until the script has run and the widgets have drawn
                    busy = "[data-testid='stStatusWidget'], [data-testid*='Skeleton']"
                    if not page.query_selector(busy):
                        break
                    time.sleep(0.25)
                time.sleep(2.5)  # tables draw on a canvas after the DOM is there
                page.screenshot(path=str(WORK / f"{name}.png"))
                save(WORK / f"{name}.png", name)
        finally:
            server.terminate()
            server.wait(timeout=20)


def main() -> None:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    PICTURES.mkdir(exist_ok=True)
    runs = build_class()
    report_pages(WORK / "class" / "asa-oberg.pdf")
    run("verify", "class", "--expect", "kurs.toml", "--summary", "klass", "--output", "verify.txt")
    run("compare", *(str(r) for r in runs[:3]), "--output", "compare.html")
    run("diff", str(runs[0]), str(runs[1]), "--format", "html", "--output", "diff.html")
    tampered = next(
        p for p in sorted((WORK / "klass" / "s").glob("*.html")) if "dana-ek" in p.read_text()
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        shoot(
            browser,
            (WORK / "klass" / "index.html").as_uri(),
            "class-summary",
            width=1600,
            height=760,
        )
        shoot(browser, tampered.as_uri(), "class-submission")
        shoot(browser, (WORK / "compare.html").as_uri(), "compare", height=1000)
        shoot(browser, (WORK / "diff.html").as_uri(), "diff-heatmap", selector="div.heats")
        app_pages(browser)
        browser.close()
    total = sum(p.stat().st_size for p in PICTURES.glob("*.png"))
    print(f"{len(list(PICTURES.glob('*.png')))} pictures, {total / 1e6:.2f} MB in docs/pictures/")


if __name__ == "__main__":
    main()
