"""`reportgen init`: a starter folder with every config key, today's date, never overwriting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

from reportgen.cli import main
from reportgen.config import Config, load_config
from reportgen.sections import count_live
from reportgen.starter import OWN_SECTION, SELF_EVALUATION, write_starter


def test_init_writes_a_config_with_every_key_and_today(tmp_path, capsys):
    assert main(["init", str(tmp_path / "kurs")]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "next: edit" in out
    toml = tomllib.loads((tmp_path / "kurs" / "report.toml").read_text(encoding="utf-8"))
    for section in ("report", "data", "tuning"):
        keys = [f.name for f in dataclasses.fields(getattr(Config(), section))]
        assert sorted(toml[section]) == sorted(keys), section
    assert toml["report"]["date"] == dt.date.today().isoformat()
    assert toml["report"]["self_evaluation"] == SELF_EVALUATION
    cfg = load_config(tmp_path / "kurs" / "report.toml")  # valid as written
    assert cfg.report.self_evaluation == str(tmp_path / "kurs" / SELF_EVALUATION)
    assert (tmp_path / "kurs" / SELF_EVALUATION).read_text(encoding="utf-8").startswith("<!--")
    assert toml["report"]["sections"] == {"slutsats": OWN_SECTION}  # an example, checked above
    assert cfg.report.sections == {"slutsats": str(tmp_path / "kurs" / OWN_SECTION)}
    assert count_live((tmp_path / "kurs" / OWN_SECTION).read_text(encoding="utf-8")) == 2


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "report.toml").write_text("# mine\n")
    done = write_starter(tmp_path, dt.date(2026, 1, 2))
    assert [(p.name, written) for p, written in done] == [
        ("report.toml", False),
        (SELF_EVALUATION, True),
        (OWN_SECTION, True),
    ]
    assert (tmp_path / "report.toml").read_text() == "# mine\n"
    assert main(["init", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("(exists)") == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["report.toml", SELF_EVALUATION, OWN_SECTION]
    )


def test_init_into_an_unwritable_place_is_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file" / "sub")]) == 2
    assert capsys.readouterr().err.startswith("reportgen: error: cannot create")
