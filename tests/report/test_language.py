"""The language layer: every marked string has its Swedish translation, Babel's formats."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from reportgen.report.language import LOCALE_DIR, language


def _marked_strings(root) -> set[str]:
    """Every message the code and the shared templates mark (what `make i18n` extracts)."""
    method_map = [
        ("reportgen/**.py", "python"),
        ("templates/*.html", "jinja2"),
        ("templates/*.css", "jinja2"),
    ]
    options = {
        "templates/*.html": {"extensions": "jinja2.ext.i18n"},
        "templates/*.css": {"extensions": "jinja2.ext.i18n"},
    }
    found = set()
    for _, _, message, _, _ in extract_from_dir(root, method_map, options):
        found.add(message if isinstance(message, str) else message[0])  # plurals: by singular
    return found


def test_every_marked_string_has_a_swedish_translation(root):
    with open(LOCALE_DIR / "sv" / "LC_MESSAGES" / "reportgen.po", "rb") as fh:
        catalog = read_po(fh, locale="sv_SE")
    marked = _marked_strings(root)
    assert "Introduction" in marked and "Predicted minus true digit" in marked
    missing = sorted(m for m in marked if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, f"untranslated in sv: {missing} (make i18n, then translate)"


def test_the_same_numbers_in_each_language():
    sv, en = language("sv"), language("en")
    assert (sv.percent(0.9523), en.percent(0.9523)) == ("95,2\u00a0%", "95.2%")
    assert (sv.integer(70000), en.integer(70000)) == ("70\u00a0000", "70,000")
    assert (sv.date("2026-11-24"), en.date("2026-11-24")) == (
        "24 november 2026",
        "24 November 2026",
    )
    assert sv.gettext("Theory") == "Teori" and en.gettext("Theory") == "Theory"
    assert en.gettext("table") == "Table"  # English capitalises references
