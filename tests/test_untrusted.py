"""Untrusted text from the config and the self-evaluation: literal in HTML and PDF, never
evaluated as a template or as markup, and nothing outside the run folder is ever fetched."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from reportgen.cli import main
from reportgen.report import pdf
from reportgen.report.figures import save_figures
from reportgen.report.html import render_html
from reportgen.results import Results, parse_results

FIXTURE = Path(__file__).parent / "fixtures" / "results_small.json"
TITLE = '<img src="http://example.com/t.png"> {{ 7*7 }}'
AUTHOR = "Ann <b>&</b> {{ 7*7 }} {% if true %}x{% endif %}"
COURSE = '<link rel="stylesheet" href="http://example.com/c.css"> & file:///etc/passwd'
SELF_LINES = [
    "Jag skrev a < b & c > d och {{ 7*7 }} och {{ meta.author }}.",
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://example.com/x.css">',
    "file:///etc/passwd",
]
SELF_MD = (
    "## Utmaningar\n\n"
    + "\n\n".join(SELF_LINES)
    + "\n\n![bild](http://example.com/spy.png) ![lokal](/etc/passwd) ![upp](../../secret.svg)\n"
)
LITERALS = [TITLE, AUTHOR, COURSE, *SELF_LINES]


def visible(markup: str) -> str:
    """The text a reader sees in HTML: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<style.*?</style>", " ", markup, flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", body))
    return re.sub(r"\s+", " ", text)


def squeeze(text: str) -> str:
    """Text without line breaks, hyphenation at line ends, or spaces (PDF lines wrap anywhere)."""
    return re.sub(r"\s+", "", re.sub(r"-\n", "", text))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, write_fast_toml):
    """`reportgen render RUN --config evil.toml` on the frozen small run, every fetch recorded.

    Returns (run folder, fetched URLs).
    """
    tmp = tmp_path_factory.mktemp("untrusted")
    run = tmp / "run"
    results = parse_results(FIXTURE.read_text(encoding="utf-8"))
    save_figures(results, run / "figures")
    (run / "results.json").write_text(results.to_json(), encoding="utf-8")
    (tmp / "self.md").write_text(SELF_MD, encoding="utf-8")
    config = write_fast_toml(
        tmp / "evil.toml",
        report={"title": TITLE, "author": AUTHOR, "course": COURSE, "self_evaluation": "self.md"},
    )
    fetched: list[str] = []
    real = pdf.restricted_fetcher

    def spy(weasyprint, roots):
        inner = real(weasyprint, roots)

        class Spy(weasyprint.urls.URLFetcher):
            def fetch(self, url, headers=None):
                fetched.append(url)
                return inner.fetch(url, headers)

        return Spy()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdf, "restricted_fetcher", spy)
        assert main(["render", str(run), "--config", config]) == 0
    return run, fetched


def test_html_shows_every_string_as_text(rendered):
    page = (rendered[0] / "report.html").read_text(encoding="utf-8")
    text = visible(page)
    for literal in LITERALS:
        assert literal in text, literal
    assert "49" not in visible(page.split('<section class="titlepage">')[1].split("</section>")[0])
    for markup in ("<b>&</b>", '<img src="file:', '<img src="http', "<link", "{% if"):
        assert markup not in page.replace("{% if true %}", ""), markup
    assert set(re.findall(r'<img[^>]* src="([^"/]*)/', page)) == {"figures"}
    assert '<meta name="author" content="Ann &lt;b&gt;&amp;&lt;/b&gt; {{ 7*7 }}' in page
    assert f"<title>{htmllib.escape(TITLE, quote=False)}" in page.replace("&#34;", '"')
    # Markdown images are text, not <img>: the PDF could not read them anyway.
    assert '!<a href="http://example.com/spy.png">bild</a>' in page  # links are never fetched
    assert '!<a href="/etc/passwd">lokal</a>' in page


def test_pdf_text_is_literal(rendered):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    body = subprocess.run(
        ["pdftotext", str(rendered[0] / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for literal in LITERALS:
        assert squeeze(literal) in squeeze(body), literal


def test_pdf_metadata_and_attached_results_keep_the_strings(rendered):
    from pypdf import PdfReader

    reader = PdfReader(rendered[0] / "report.pdf")
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == AUTHOR
    attached = json.loads(reader.attachments["results.json"][0])
    stored = json.loads((rendered[0] / "results.json").read_text(encoding="utf-8"))
    assert attached == stored
    assert stored["config"]["report"]["course"] == COURSE
    assert stored["self_evaluation"]["text"] == SELF_MD


def test_nothing_outside_the_run_is_fetched(rendered):
    run, fetched = rendered
    roots = [run.resolve(), pdf.font_dir().resolve()]
    assert any("/figures/" in url for url in fetched)  # the spy saw the real fetches
    for url in fetched:
        parts = urlsplit(url)
        if parts.scheme == "data":
            continue
        assert parts.scheme == "file", url
        path = Path(unquote(parts.path)).resolve()
        assert any(root == path or root in path.parents for root in roots), url
    assert not [u for u in fetched if "passwd" in u or "example.com" in u or "secret" in u]


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_self_evaluation_is_never_markup(fmt):
    results = json.loads(FIXTURE.read_text(encoding="utf-8"))
    results["self_evaluation"] = {"source": "s", "format": fmt, "text": SELF_MD}
    page = render_html(Results.model_validate(results))
    section = page.split('id="sjalvutvardering"')[1].split("</div>")[0]
    for literal in SELF_LINES:
        assert literal in visible(section), literal
    for markup in ('<img src="file:', "<img", "<link", "<script"):
        assert markup not in section, markup


def test_diff_html_escapes_the_strings(rendered, tmp_path):
    out = tmp_path / "diff.html"
    code = main(["diff", str(FIXTURE), str(rendered[0]), "--format", "html", "--output", str(out)])
    assert code == 1  # the words differ
    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in page
    for markup in ("<b>&</b>", '<img src="', "<link"):
        assert markup not in page, markup
