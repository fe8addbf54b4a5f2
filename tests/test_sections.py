"""A student's own sections: the live values' vocabulary, their errors with line, column and the
nearest name (before any fitting), and their HTML with the report's number format."""

from __future__ import annotations

import pytest

from reportgen.config import load_config
from reportgen.errors import ConfigError, InputError
from reportgen.models import MODELS
from reportgen.results import Results, parse_results
from reportgen.sections import (
    VOCABULARY,
    LiveError,
    count_live,
    live_values,
    prose,
    section_problems,
)


def test_the_vocabulary_has_every_model_phase_split_and_metric():
    for key, spec in MODELS.items():
        metrics = ("rmse", "rounded_accuracy") if spec.family == "regression" else ("accuracy",)
        for phase in ("default", "tuned"):
            for split in ("validation", "test"):
                for metric in metrics:
                    assert f"{key}.{phase}.{split}.{metric}" in VOCABULARY
    assert "mlp.tuned.test.rmse" not in VOCABULARY  # a classifier has no RMSE
    for name in ("best_regressor.name", "best_classifier.name", "confusion.mlp.tuned"):
        assert name in VOCABULARY


def test_live_values_are_found_with_their_line_and_column():
    text = "Intro.\n\nMLP: {{ mlp.tuned.test.accuracy }}, cell {{confusion.mlp.tuned[4][9]}}.\n"
    found = live_values(text)
    assert [(v.line, v.column, v.path, v.cell) for v in found] == [
        (3, 9, "mlp.tuned.test.accuracy", ()),
        (3, 44, "confusion.mlp.tuned", (4, 9)),
    ]
    assert count_live(text) == 2
    assert "mlp" not in prose(text) and "Intro." in prose(text)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "a\nb\nNätet fick {{ mlp.tuned.test.acuracy }}.",
            "3:15: unknown value 'mlp.tuned.test.acuracy'; did you mean 'mlp.tuned.test.accuracy'?",
        ),
        (
            "{{ best_regresor.name }}",
            "1:4: unknown value 'best_regresor.name'; did you mean 'best_regressor.name'?",
        ),  # fmt: skip
        ("{{ confusion.mlp.tuned[4][10] }}", "1:4: 'confusion.mlp.tuned[4][10]': a confusion"),
        ("{{ confusion.mlp.tunde[4][9] }}", "did you mean 'confusion.mlp.tuned[4][9]'?"),
        ("{{ mlp.name[0] }}", "'mlp.name[0]' has no cells: write 'mlp.name'"),
        ("{{ mlp.name | upper }}", "between {{ and }} only a value's name"),
        ("{{ ''.__class__ }}", "between {{ and }} only a value's name"),
        ("{{ range(10) }}", "between {{ and }} only a value's name"),
        ("{{ }}", "1:4: an empty {{ }}"),
        ("x {{ mlp.name\n}}", "1:3: '{{' without its '}}' on the same line"),
        ("x }} y", "1:3: '}}' without its '{{'"),
    ],
)
def test_a_live_value_that_is_not_one_is_one_line_with_where_and_the_nearest_name(text, said):
    with pytest.raises(LiveError) as caught:
        live_values(text)
    assert said in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_section_file_with_a_typo_stops_the_config_before_any_fitting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "slutsats.md").write_text(
        "## Slutsats\n\nBäst var MLP.\nDen fick {{ mlp.tuned.test.acuracy }} rätt.\n",
        encoding="utf-8",
    )
    config = tmp_path / "report.toml"
    config.write_text('[report.sections]\nslutsats = "slutsats.md"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.problems == [
        "slutsats.md:4:13: unknown value 'mlp.tuned.test.acuracy'; did you mean "
        "'mlp.tuned.test.accuracy'?"
    ]


def test_section_names_and_files_are_checked(tmp_path):
    (tmp_path / "notes.txt").write_text("text", encoding="utf-8")
    (tmp_path / "big.md").write_text("x" * (256 * 1024 + 1), encoding="utf-8")
    config = tmp_path / "report.toml"
    config.write_text(
        '[report.sections]\nsluts = "a.md"\nmetod = "missing.md"\nteori = "notes.txt"\n'
        'inledning = "big.md"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    said = " | ".join(caught.value.problems)
    assert "unknown section report.sections.sluts (did you mean 'slutsats'?)" in said
    assert "report.sections.metod" in said and "No such file" in said
    assert "report.sections.teori" in said and "is not Markdown (.md)" in said
    assert "report.sections.inledning" in said and "larger than 256 KiB" in said


def test_a_config_with_sections_records_only_their_names(tmp_path):
    (tmp_path / "slutsats.md").write_text("{{ mlp.name }}", encoding="utf-8")
    config = tmp_path / "report.toml"
    config.write_text('[report.sections]\nslutsats = "slutsats.md"\n', encoding="utf-8")
    cfg = load_config(config)
    assert cfg.report.sections == {"slutsats": str(tmp_path / "slutsats.md")}
    assert cfg.to_record()["report"]["sections"] == {"slutsats": "slutsats.md"}
    assert load_config(None).to_record()["report"]["sections"] is None  # left out of results


def test_an_attached_section_with_an_unknown_value_is_refused(results_data):
    import json

    results_data["sections"] = {"slutsats": {"source": "s.md", "text": "{{ mlp.nam }}"}}
    with pytest.raises(InputError) as caught:
        parse_results(json.dumps(results_data), "report.pdf (attached results.json)")
    assert str(caught.value) == (
        "report.pdf (attached results.json): sections.slutsats: s.md:1:4: unknown value "
        "'mlp.nam'; did you mean 'mlp.name'?"
    )


def test_section_problems_name_the_file():
    assert section_problems("own/slutsats.md", "{{ mlp.tuned.test.acuracy }}") == [
        "own/slutsats.md:1:4: unknown value 'mlp.tuned.test.acuracy'; did you mean "
        "'mlp.tuned.test.accuracy'?"
    ]
    assert section_problems("s.md", "{{ mlp.tuned.test.accuracy }}") == []


def _with_section(results_data: dict, key: str, text: str, lang: str = "sv") -> Results:
    results_data["config"]["report"]["lang"] = lang
    results_data["sections"] = {key: {"source": f"{key}.md", "text": text}}
    return Results.model_validate(results_data)


def test_live_values_are_written_as_the_report_writes_the_same_number(results_data):
    from reportgen.numbers import integer, metric
    from reportgen.report.context import build_context

    text = (
        "# Mitt resultat\n\n{{ mlp.tuned.test.accuracy }}, {{ ridge.default.validation.rmse }}, "
        "{{ best_regressor.name }}, {{ confusion.mlp.tuned[4][9] }}, {{ data.split.test }}\n"
    )
    for lang in ("sv", "en"):
        results = _with_section(results_data, "slutsats", text, lang)
        own = build_context(results)["own"]["slutsats"]
        models = results.models
        expected = [
            metric("accuracy", models["mlp"].tuned.test.accuracy, lang),
            metric("rmse", models["ridge"].default.validation.rmse, lang),
            build_context(results)["best_regressor"]["name"],
            integer(models["mlp"].tuned.confusion_matrix[4][9], lang),
            integer(results.data.split_sizes.test, lang),
        ]
        for value in expected:
            assert f'<span class="live">{value}</span>' in own["html"]
        assert own["live"] == 5 and own["place"] == "replaces"
        assert "<h2>Mitt resultat</h2>" in own["html"]  # under the section's own heading


def test_raw_html_stays_text_and_headings_never_skip_a_level(results_data):
    from reportgen.report.context import build_context

    text = "<script>alert(1)</script>\n\n#### deep\n\n# top\n\n![x](file:///etc/passwd)\n"
    html = build_context(_with_section(results_data, "metod", text))["own"]["metod"]["html"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h2>deep</h2>" in html and "<h2>top</h2>" in html
    assert "<img" not in html


def test_a_student_cannot_forge_a_live_value_s_place(results_data):
    """The marks that hold a live value's place while the Markdown is parsed are keyed by the
    text itself: the same characters typed by a student stay their text, never a value."""
    from reportgen.report.context import build_context

    text = (
        "{{ mlp.tuned.test.accuracy }} \ue0000\ue001 \ue0007\ue001 "
        "[a](http://x/%EE%80%800%EE%80%81)\n"
    )
    own = build_context(_with_section(results_data, "slutsats", text))["own"]["slutsats"]
    assert own["live"] == 1 and own["html"].count('<span class="live">') == 1
    assert "\ue0000\ue001 \ue0007\ue001" in own["html"]
    assert 'href="http://x/%EE%80%800%EE%80%81"' in own["html"]


def test_a_replaced_section_keeps_its_heading_and_drops_its_subsections(results_data):
    from reportgen.report.html import render_html

    html = render_html(_with_section(results_data, "slutsats", "Egen text, {{ mlp.name }}."))
    assert 'id="slutsats"' in html and 'id="diskussion"' not in html
    assert 'href="#diskussion"' not in html  # nor in the table of contents
    assert "Egen text, <span" in html
    follows = render_html(_with_section(results_data, "resultat", "Tillägg."))
    assert 'id="resultat-modell"' in follows and follows.index("Tillägg.") > follows.index(
        'id="resultat-modell"'
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_reference_is_left_without_its_target_whichever_section_is_replaced(results_data, lang):
    import re

    from reportgen.report.html import render_html
    from reportgen.sections import SECTION_KEYS

    for key in SECTION_KEYS:
        html = render_html(_with_section(results_data, key, "Egen text.", lang))
        ids = set(re.findall(r'id="([^"]+)"', html))
        dangling = {x for x in re.findall(r'href="#([^"]+)"', html) if x not in ids}
        assert not dangling, (key, dangling)


def test_docs_list_every_name_of_the_vocabulary(root):
    from reportgen.sections import vocabulary_lines

    listed = (root / "docs" / "sections.md").read_text(encoding="utf-8")
    lines = vocabulary_lines()
    assert len(lines) == len(VOCABULARY)
    for line in lines:
        name, what = line.split(": ", 1)
        assert f"- `{{{{ {name} }}}}`: {what}" in listed, "docs/sections.md is stale: " + line
