"""The report PDF as a screen reader and an archive meet it: PDF/UA-1 structure checked with
pypdf (veraPDF is not available here), PDF/A-3b metadata and attachments, text contrast."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NullObject

from reportgen.locations import TEMPLATES_DIR
from reportgen.report.figures import save_figures
from reportgen.report.html import write_report
from reportgen.results import Results


def render(results_data: dict, folder: Path, **report) -> Path:
    results_data["config"]["report"].update(report)
    results = Results.model_validate(results_data)
    save_figures(results, folder / "figures")
    write_report(results, folder)
    return folder / "report.pdf"


def structure(pdf: Path) -> dict:
    """What a PDF/UA checker looks at, read from the structure tree."""
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    found: dict = {"figures": [], "headings": [], "rows_without_cells": 0, "elements": set()}

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return
        found["elements"].add(id(node))
        tag = node.get("/S")
        kids = node.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else ([] if kids is None else [kids])
        if tag == "/Figure":
            found["figures"].append(str(node.get("/Alt") or ""))
        elif tag in {f"/H{n}" for n in range(1, 7)}:
            found["headings"].append(int(tag[2:]))
        elif tag == "/TR":
            cells = [k.get_object() for k in kids]
            if not any(
                isinstance(c, DictionaryObject) and c.get("/S") in ("/TD", "/TH") for c in cells
            ):
                found["rows_without_cells"] += 1
        for kid in kids:
            walk(kid)

    walk(tree)
    orphans = 0  # marked content whose element is outside the tree (must be artifacts)
    nums = tree["/ParentTree"].get_object()["/Nums"]
    for entries in nums[1::2]:
        entries = entries.get_object()
        if isinstance(entries, ArrayObject):
            for entry in entries:
                if (
                    not isinstance(entry, NullObject)
                    and id(entry.get_object()) not in found["elements"]
                ):
                    orphans += 1
    return {
        **found,
        "marked": root["/MarkInfo"]["/Marked"],
        "lang": str(root.get("/Lang", "")),
        "display_doc_title": root["/ViewerPreferences"]["/DisplayDocTitle"],
        "orphans": orphans,
    }


def check_structure(pdf: Path, lang: str) -> dict:
    """The PDF/UA-1 checks of the accessibility issue, as assertions."""
    s = structure(pdf)
    assert bool(s["marked"]) and bool(s["display_doc_title"])
    assert s["lang"] == lang
    assert s["figures"] and all(alt.strip() for alt in s["figures"]), s["figures"]
    levels = s["headings"]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert s["rows_without_cells"] == 0
    assert s["orphans"] == 0  # running headers and footers are artifacts
    return s


@pytest.fixture(scope="module")
def swedish(tmp_path_factory, results_module_data) -> Path:
    return render(results_module_data(), tmp_path_factory.mktemp("sv"))


@pytest.fixture(scope="module")
def results_module_data(fixture_path):
    import json

    return lambda: json.loads(fixture_path.read_text(encoding="utf-8"))


def test_the_swedish_report_is_tagged_pdf_ua(swedish):
    s = check_structure(swedish, "sv")
    assert (
        len(s["figures"]) == 8
    )  # three charts, four of the theory answers, the formula; the matrices are tables
    assert any("tränings-, validerings- och testdelen" in alt for alt in s["figures"])
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(swedish)], capture_output=True, text=True).stdout
        assert re.search(r"Tagged:\s+yes", info)


def test_a_confusion_matrix_is_a_table_with_row_and_column_headers(swedish):
    """Each of the four matrices: a /Table of 11 rows (a head row and ten digits), each row a
    header cell and ten cells, whose text is the counts."""
    tables = [t for t in _elements(swedish) if t.get("/S") == "/Table"]
    matrices = []
    for table in tables:
        rows = [e for e in _descendants(table) if e.get("/S") == "/TR"]
        if len(rows) == 11 and all(len(_cells(r)) == 11 for r in rows):
            matrices.append(rows)
    assert len(matrices) == 4
    for rows in matrices:
        assert all(_cells(r)[0].get("/S") == "/TH" for r in rows)
        assert [c.get("/S") for c in _cells(rows[0])] == ["/TH"] * 11
        assert all(c.get("/S") == "/TD" for r in rows[1:] for c in _cells(r)[1:])


@pytest.fixture(scope="module")
def english(tmp_path_factory, results_module_data) -> Path:
    return render(results_module_data(), tmp_path_factory.mktemp("en"), lang="en")


def test_the_english_report_is_tagged_pdf_ua_in_english(english):
    s = check_structure(english, "en")
    assert len(s["figures"]) == 8
    alts = "".join(s["figures"])
    assert "Bar chart of each regression model" in alts
    assert "Stapeldiagram" not in alts
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(english)], capture_output=True, text=True).stdout
        assert re.search(r"Tagged:\s+yes", info)


def test_the_figures_carry_their_text_alternative(swedish):
    svg = (swedish.parent / "figures" / "regression_rmse.svg").read_text()
    assert re.search(r"<title>Stapeldiagram över regressionsmodellernas RMSE[^<]+</title>", svg)


def test_pdf_a_3b_is_archival_tagged_and_byte_identical(tmp_path, results_module_data):
    a = render(results_module_data(), tmp_path / "a", pdf_variant="pdf/a-3b")
    b = render(results_module_data(), tmp_path / "b", pdf_variant="pdf/a-3b")
    assert a.read_bytes() == b.read_bytes()
    check_structure(a, "sv")
    reader = PdfReader(a)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert 'pdfuaid:part="1"' in xmp
    assert "<dc:language><rdf:Bag><rdf:li>sv</rdf:li>" in xmp and "<dc:title>" in xmp
    listed = [f.get_object() for f in root["/AF"]]
    assert [f["/F"] for f in listed] == ["results.json", "manifest.json"]  # each once
    assert {f["/AFRelationship"] for f in listed} == {"/Data"}
    intent = root["/OutputIntents"][0].get_object()
    assert "sRGB" in intent["/OutputConditionIdentifier"]


def _kids(node) -> list:
    kids = node.get("/K")
    return list(kids) if isinstance(kids, ArrayObject) else ([] if kids is None else [kids])


def _elements(pdf: Path) -> list[DictionaryObject]:
    """Every structure element under the tree's root, in reading order."""
    reader = PdfReader(pdf)
    found = []
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, DictionaryObject) and node.get("/Type") != "/OBJR":
            found.append(node)
            todo.extend(reversed([k for k in _kids(node) if isinstance(k, IndirectObject)]))
    return found


def _element_kids(node) -> list[DictionaryObject]:
    kids = [k.get_object() for k in _kids(node)]
    return [k for k in kids if isinstance(k, DictionaryObject) and k.get("/Type") != "/OBJR"]


def _descendants(node) -> list[DictionaryObject]:
    found = []
    for kid in _element_kids(node):
        found.append(kid)
        found.extend(_descendants(kid))
    return found


def _cells(row) -> list[DictionaryObject]:
    return [k for k in _element_kids(row) if k.get("/S") in ("/TH", "/TD")]


def link_annotations(pdf: Path) -> list[tuple[DictionaryObject, DictionaryObject | None]]:
    """Each link annotation with the structure element its /StructParent names in the parent
    tree, or None."""
    reader = PdfReader(pdf)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    parents = dict(zip((int(n) for n in nums[0::2]), nums[1::2], strict=True))
    found = []
    for page in reader.pages:
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            if annotation.get("/Subtype") == "/Link":
                key = annotation.get("/StructParent")
                parent = parents.get(int(key)) if key is not None else None
                found.append((reference, parent.get_object() if parent is not None else None))
    return found


@pytest.mark.parametrize("edition", ["swedish", "english"])
def test_every_link_annotation_is_the_objr_of_a_link_element(edition, request):
    """PDF/UA-1 7.18.5: the table of contents' section numbers have links of their own, which
    WeasyPrint puts in a /Span; the finisher moves them into the entry's /Link."""
    pdf = request.getfixturevalue(edition)
    links = link_annotations(pdf)
    assert len(links) > 100  # the table of contents and every cross-reference
    for reference, element in links:
        assert element is not None, reference
        assert element["/S"] == "/Link"
        objrs = [k.get_object() for k in _kids(element) if isinstance(k, IndirectObject)]
        assert any(
            o.get("/Type") == "/OBJR" and o.raw_get("/Obj").idnum == reference.idnum for o in objrs
        ), reference
    # and no /OBJR of a link anywhere else
    for element in _elements(pdf):
        if element.get("/S") != "/Link":
            for kid in _kids(element):
                kid = kid.get_object()
                if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/OBJR":
                    assert kid["/Obj"].get("/Subtype") != "/Link"


def languages(pdf: Path) -> list[tuple[str, str]]:
    """(tag, /Lang) of every structure element with a /Lang of its own, in reading order."""
    return [(str(e["/S"]), str(e["/Lang"])) for e in _elements(pdf) if "/Lang" in e]


def test_the_swedish_edition_marks_its_english_passages(swedish):
    """PDF/UA-1 7.2: the English abstract and the English terms in Swedish sentences carry
    /Lang (en) on their structure element, so a screen reader switches voice."""
    marked = languages(swedish)
    assert PdfReader(swedish).trailer["/Root"]["/Lang"] == "sv"
    assert marked[0] == ("/Sect", "en")  # the abstract, once, on its section
    assert {lang for _, lang in marked} == {"en"}
    html = (swedish.parent / "report.html").read_text(encoding="utf-8")
    # each English term (an <em lang="en">, the contents' "Abstract") has an element of its own
    assert len(marked) >= html.count('lang="en"')


def test_the_english_edition_has_no_other_language(english):
    assert PdfReader(english).trailer["/Root"]["/Lang"] == "en"
    assert languages(english) == []


def test_a_passage_in_another_language_gets_lang_on_its_element(tmp_path):
    """The mend is general: Swedish words quoted in an English page, a Swedish paragraph, a
    link and a paragraph that mixes both (which keeps the document's language)."""
    from reportgen.report.pdf import write_pdf

    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        "<body><h1>Heading</h1>"
        '<p>The Swedish word <em lang="sv">träffsäkerhet</em> means accuracy.</p>'
        '<p lang="sv">Ett helt stycke på svenska, med <a href="#x">en länk</a>.</p>'
        '<ul><li><a href="#x" lang="sv">Innehåll</a></li></ul>'
        '<p id="x">English again.</p></body></html>'
    )
    pdf = write_pdf(html, tmp_path, tmp_path / "t.pdf", title="t", author="a", date="", lang="en")
    marked = languages(pdf)
    # the list item keeps its (English) bullet: its body is Swedish
    assert sorted(marked) == [("/LBody", "sv"), ("/NonStruct", "sv"), ("/P", "sv")], marked


def test_outloud_finds_no_failing_pdf_ua_1_checkpoint(
    swedish, english, tmp_path, results_module_data
):
    """The outside checker, when installed (`pip install outloud`; offline): no Matterhorn
    checkpoint fails in either edition or variant. What it still reports are its own semantic
    heuristics, beyond the protocol (README, "Accessible and archival")."""
    outloud = pytest.importorskip(
        "outloud", reason="outloud is not installed (pip install outloud)"
    )
    from outloud.report import to_json

    archival = render(results_module_data(), tmp_path / "a3", lang="en", pdf_variant="pdf/a-3b")
    for pdf in (swedish, english, archival):
        result = json.loads(to_json([outloud.check(str(pdf))]))["results"][0]
        failing = [c["id"] for c in result["criteria"]["pdfua1"] if c["status"] == "fail"]
        assert failing == [], (pdf, failing)
        errors = {f["rule"] for f in result["findings"] if f["severity"] == "error"}
        assert errors <= {"TBL-010", "TAG-002"}, (pdf, errors)


def _luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_text_colour_has_contrast_4_5_on_white():
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", css)
    assert colours
    for colour in colours:
        ratio = 1.05 / (_luminance(colour) + 0.05)
        assert ratio >= 4.5, (colour, round(ratio, 2))


OWN_SECTION = """\
## Min slutsats

Nätet klassade {{ mlp.tuned.test.accuracy }} rätt.

#### En djup rubrik

| modell | träffsäkerhet | RMSE |
|---|--:|--:|
| MLP | {{ mlp.tuned.test.accuracy }} | – |
| {{ best_regressor.name }} | {{ best_regressor.tuned.test.rounded_accuracy }} | \
{{ best_regressor.tuned.test.rmse }} |
"""


def test_own_sections_headings_and_tables_are_tagged_like_the_shipped_ones(
    swedish, tmp_path, results_module_data
):
    """A student's Markdown in four sections: its headings nest under the section's without a
    gap, its table is a /Table with header cells; and, with outloud installed, no PDF/UA-1
    checkpoint fails."""
    data = results_module_data()
    data["sections"] = {
        key: {"source": "own.md", "text": OWN_SECTION}
        for key in ("inledning", "resultat", "slutsats", "fraga3")
    }
    pdf = render(data, tmp_path)
    s = check_structure(pdf, "sv")
    assert s["headings"].count(2) >= 4  # each section's "Min slutsats" under its level-1 heading
    tables = lambda pdf: [t for t in _elements(pdf) if t.get("/S") == "/Table"]  # noqa: E731
    assert len(tables(pdf)) == len(tables(swedish)) + 4
    header_cells = [e for e in _elements(pdf) if e.get("/S") == "/TH"]
    assert header_cells and all("/Scope" in str(e.get("/A", "")) for e in header_cells[-3:])
    try:
        import outloud
        from outloud.report import to_json
    except ImportError:
        return
    result = json.loads(to_json([outloud.check(str(pdf))]))["results"][0]
    failing = [c["id"] for c in result["criteria"]["pdfua1"] if c["status"] == "fail"]
    assert failing == [], failing
