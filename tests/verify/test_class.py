"""A whole class at once: folders, one build per configuration, the class summary, --expect,
--fail-on, Ctrl-C, the progress bar, a cache shared by processes, and a real Dask cluster
(distributed.LocalCluster: a scheduler and two worker processes on 127.0.0.1).

One file, so that `pytest -n 2 --dist loadfile` builds the class once."""

from __future__ import annotations

import csv
import io
import json
import logging
import multiprocessing
import shutil
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.errors import exit_code
from reportgen.verify.batch import group_key
from reportgen.verify.formats import FORMATS
from reportgen.verify.outcome import findings

from ..helpers import (
    BUILD_ARGS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    CLASS,
    class_verdicts,
    run_verify,
    write_fast_toml,
)


def test_twelve_submissions_three_builds_and_every_verdict(klass, local_class):
    folder, _ = klass
    code, report, console, _ = local_class
    assert class_verdicts(report, folder) == CLASS
    assert code == 1  # not every submission reproduced
    assert report["builds"] == 3 and len(report["groups"]) == 3
    assert "12 of 12 submission(s), 3 distinct build(s)" in console
    assert report["summary"] == {"reproduced": 10, "tampered": 1, "error": 1}
    forged = next(e for e in report["submissions"] if e["path"].endswith("forged.pdf"))
    assert any("99,9" in change["after"] for change in forged["text_changes"])
    broken = next(e for e in report["submissions"] if e["path"].endswith("broken.pdf"))
    assert broken["details"] and "Traceback" not in json.dumps(broken)


def test_departures_from_the_course_key_by_key(klass, local_class):
    folder, _ = klass
    departs = {
        Path(e["path"]).relative_to(folder).as_posix(): e.get("departs")
        for e in local_class[1]["submissions"]
    }
    assert departs["a1.pdf"] == [] and departs["forged.pdf"] == []
    assert departs["b1.pdf"] == ["data.seed: 42 -> 7"]
    assert departs["sent/c1.pdf"] == ["grids.ridge.alpha: [1.0, 100.0] -> [1.0]"]
    report = local_class[1]
    assert exit_code(findings(report), ["departs"]) == 1
    assert exit_code(findings(report), ["tampered"]) == 1
    assert exit_code(findings(report), ["differs"]) == 0  # nothing differs: 10 reproduced
    assert exit_code(findings(report), ["any"]) == 1  # the default: one tampered, one error


def test_the_summary_files_agree_with_the_verdicts(klass, local_class):
    folder, _ = klass
    summary = local_class[3]
    with open(summary / "summary.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_file = {Path(r["file"]).relative_to(folder).as_posix(): r for r in rows}
    assert {f: r["verdict"] for f, r in by_file.items()} == CLASS
    assert by_file["forged.pdf"]["tampered"] == "yes" and by_file["a1.pdf"]["tampered"] == "no"
    assert by_file["b2.pdf"]["seed"] == "7" and by_file["a2.pdf"]["author"] == "Anna"
    assert by_file["a1.pdf"]["mlp"].endswith("%") and by_file["broken.pdf"]["mlp"] == ""
    checked = {f: r["checked on"] for f, r in by_file.items() if f != "broken.pdf"}
    assert all(":" in where for where in checked.values())  # host:pid of the process
    data = json.loads((summary / "summary.json").read_text(encoding="utf-8"))
    assert class_verdicts(data, folder) == CLASS and data["builds"] == 3
    # one class table: `verify --format csv` writes what summary.csv holds
    csv_text = (summary / "summary.csv").read_text(encoding="utf-8")
    assert FORMATS["csv"](data).splitlines() == csv_text.splitlines()
    index = (summary / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr>") == 13  # the header and twelve submissions
    assert "<html lang='sv'>" in index  # the course's language: its config's default
    assert (
        "utlåtande" in index and "orsak" in index and "Antal olika byggen som behövdes: 3" in index
    )
    assert "MLPClassifier" not in index  # the details are on each submission's page
    first = (summary / "s" / "0.html").read_text(encoding="utf-8")
    assert "Kontrollerad på" in first and "MLPClassifier" in first
    assert "http" not in index  # nothing from outside: no script, style or font
    for n in range(12):
        assert f"href='s/{n}.html'" in index and (summary / "s" / f"{n}.html").is_file()
    # the forged one's regenerated report is kept beside its page, to compare; no other's is
    n = next(i for i, e in enumerate(data["submissions"]) if e["path"].endswith("forged.pdf"))
    assert sorted(p.name for p in (summary / "s").glob("*.pdf")) == [f"{n}-regenerated.pdf"]
    assert f"href='{n}-regenerated.pdf'" in (summary / "s" / f"{n}.html").read_text("utf-8")
    assert (summary / "s" / f"{n}-regenerated.pdf").read_bytes().startswith(b"%PDF")


def test_the_summary_in_a_real_browser_sorts_and_links_offline(local_class):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    summary = local_class[3]
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(java_script_enabled=True)
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("file://")
                else (outside.append(route.request.url), route.abort())
            ),
        )
        page.goto((summary / "index.html").as_uri())
        verdict_column = page.locator("th", has_text="utlåtande")
        verdict_column.click()  # by how bad: reproduced first, then an error first
        first = page.locator("tbody tr").first.locator("td").nth(1).inner_text()
        verdict_column.click()
        last_first = page.locator("tbody tr").first.locator("td").nth(1).inner_text()
        assert (first, last_first) == ("reproducerad", "FEL"), (first, last_first)
        assert page.locator("tbody tr").count() == 12
        page.locator("tbody tr").first.locator("a").click()
        page.wait_for_load_state()
        assert "broken.pdf" in page.locator("h1").inner_text()
        assert page.locator("text=Kontroll").count() >= 1
        browser.close()
    assert outside == []


def test_ctrl_c_keeps_what_finished(klass, tmp_path, monkeypatch):
    import reportgen.verify.batch as batch

    folder, _ = klass
    small = tmp_path / "small"
    small.mkdir()
    for name in ("a1.pdf", "b1.pdf", "sent/c1.pdf", "broken.pdf"):
        shutil.copy(folder / name, small / Path(name).name)
    calls = []
    real_check = batch.check

    def interrupted_at_the_second(*args):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_check(*args)

    monkeypatch.setattr(batch, "check", interrupted_at_the_second)
    previous = tmp_path / "s"
    previous.mkdir()
    (previous / "summary.json").write_text("an earlier check's", encoding="utf-8")
    out = tmp_path / "report.json"
    code, _, console = run_verify(str(small), "--summary", str(previous), "--output", str(out))
    assert code == 130
    kept = json.loads(out.read_text(encoding="utf-8"))  # what finished, in verify's report
    assert kept["interrupted"] is True and kept["total"] == 4
    assert sorted(Path(e["path"]).name for e in kept["submissions"]) == ["a1.pdf", "broken.pdf"]
    # no partial summary over the earlier one: it is as it was, and nothing beside it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert [p.name for p in previous.iterdir()] == ["summary.json"]
    assert (previous / "summary.json").read_text(encoding="utf-8") == "an earlier check's"
    assert "interrupted: nothing written (summary " in console


def test_fail_on_departs_from_the_command_line(klass, tmp_path):
    folder, course = klass
    shutil.copy(folder / "b1.pdf", tmp_path / "b1.pdf")
    code, report, _ = run_verify(str(tmp_path), "--expect", str(course), "--fail-on", "departs")
    assert report["submissions"][0]["verdict"] == "reproduced"
    assert code == 1  # reproduced, but it departs from the course (exit_code: see above)


def test_a_folder_without_pdfs_is_one_line(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    assert "no report PDFs found" in capsys.readouterr().err


def test_what_decides_the_fits_decides_the_group(results_data):
    text = json.dumps(results_data)
    other = json.loads(text)
    other["config"]["report"]["author"] = "Någon annan"
    other["config"]["tuning"]["n_jobs"] = 1
    other["config"]["tuning"]["backend"] = "dask"
    assert group_key(json.dumps(other)) == group_key(text)
    for path, value in (("data", "seed"), ("tuning", "blas_threads"), ("tuning", "cv")):
        changed = json.loads(text)
        changed["config"][path][value] = 3
        assert group_key(json.dumps(changed)) != group_key(text), value


def test_the_progress_bar_counts_verdicts_on_a_terminal():
    from reportgen.verify.progress import ClassProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = ClassProgress(stream)
    progress.start(2, 1)
    progress.built(1)
    progress.done({"verdict": "reproduced", "path": "a.pdf"})
    progress.done({"verdict": "tampered", "path": "b.pdf"})
    progress.stop()
    text = stream.getvalue()
    assert "2 submission(s), 1 distinct configuration(s)" in text
    assert "1 reproduced, 1 tampered" in text and "2/2" in text


def _write_entry(folder: str, key: str, payload_file: str, rounds: int) -> None:
    """A writer process: the same entry, `rounds` times."""
    from reportgen.analysis.cache import ResultCache
    from reportgen.results import ModelPayload

    cache = ResultCache(Path(folder))
    text = Path(payload_file).read_text(encoding="utf-8")
    payload = ModelPayload.model_validate(json.loads(text))
    for _ in range(rounds):
        cache.put(key, payload)


def test_two_processes_writing_one_cache_entry_never_corrupt_it(tmp_path, results_data):
    from reportgen.analysis.cache import ResultCache
    from reportgen.results import ModelPayload

    key = "ab" + "0" * 62
    timing = {
        "default_seconds": 0.1, "search_seconds": 0.2, "refit_seconds": 0.0, "refitted": False,
        "candidate_fit_seconds": [0.1, 0.1], "total_seconds": 0.3,
    }  # fmt: skip
    payload = ModelPayload.model_validate(
        {"result": results_data["models"]["ridge"], "timing": timing, "warnings": []}
    )
    (tmp_path / "payload.json").write_text(json.dumps(payload.to_data()), encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    args = (str(tmp_path / "cache"), key, str(tmp_path / "payload.json"), 200)
    writers = [context.Process(target=_write_entry, args=args) for _ in range(2)]
    for w in writers:
        w.start()
    cache, reads = ResultCache(tmp_path / "cache"), 0
    while any(w.is_alive() for w in writers):
        entry, why = cache.get(key)
        assert why in ("", "not in cache"), why  # a whole entry or none, never half of one
        reads += why == ""
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert cache.get(key)[0] == payload
    assert reads > 0  # the reader did meet the entry while it was being rewritten
    assert not list((tmp_path / "cache").rglob("*.tmp"))


# ---- on a Dask cluster ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two single-threaded worker processes, on 127.0.0.1 only."""
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local:
        yield local


@pytest.mark.slow
def test_a_class_on_the_cluster_gets_the_local_verdicts(klass, local_class, cluster, tmp_path):
    folder, course = klass
    part = tmp_path / "part"
    names = ["a2.pdf", "b2.pdf", "sent/c2.pdf", "forged.pdf", "broken.pdf"]
    for name in names:
        (part / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / name, part / name)
    argv = [str(part), "--scheduler", cluster.scheduler_address, "--summary", str(tmp_path / "s")]
    code, report, console = run_verify(*argv, "--expect", str(course))
    local = class_verdicts(local_class[1], folder)
    assert class_verdicts(report, part) == {name: local[name] for name in names}
    assert code == 1 and report["builds"] == 3
    assert "5 of 5 submission(s), 3 distinct build(s)" in console
    ran = set(cluster.scheduler.task_prefixes)
    assert {"rebuild", "check"} <= ran, ran  # the work ran on the cluster's workers
    local_departs = {
        Path(e["path"]).relative_to(folder).as_posix(): e["departs"]
        for e in local_class[1]["submissions"]
    }
    for entry in report["submissions"]:
        assert entry["departs"] == local_departs[Path(entry["path"]).relative_to(part).as_posix()]


def test_an_absent_scheduler_is_one_line(klass, capsys):
    folder, _ = klass
    code = main(["verify", str(folder / "a1.pdf"), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "no Dask scheduler answers at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_the_dask_backend_searches_like_threads(cluster, tmp_path):
    """tuning.backend = "dask" (build --scheduler): every candidate is fitted on the workers,
    and the search picks the same parameters with the same scores as in threads."""
    config = write_fast_toml(tmp_path / "fast.toml")
    base = ["build", "--config", config, *BUILD_ARGS, "--no-cache", "--no-render"]
    assert main([*base, "--out", str(tmp_path / "threads")]) == 0
    argv = [*base, "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]
    assert main(argv) == 0
    ran = set(cluster.scheduler.task_prefixes)
    assert any(p.startswith("batch_of_fit_candidate") for p in ran), ran  # on the workers
    threads, dask = (
        json.loads((tmp_path / name / "results.json").read_text(encoding="utf-8"))
        for name in ("threads", "dask")
    )
    assert dask["config"]["tuning"]["backend"] == "dask"
    for key, model in threads["models"].items():
        tuned, remote = model["tuned"], dask["models"][key]["tuned"]
        assert remote["best_params"] == tuned["best_params"], key
        assert remote["candidates"] == tuned["candidates"], key
        for split in ("validation", "test"):
            for metric, value in tuned[split].items():
                assert remote[split][metric] == pytest.approx(value, rel=1e-12, abs=0), key


def test_the_code_digest_is_read_once_per_process(monkeypatch, tmp_path):
    """A checkout edited during a long verify: the manifest of a regenerated report and the
    environment check before it must see the same code (the code the process imported)."""
    from reportgen.bundle.manifest import code_digest

    code_digest.cache_clear()
    first = code_digest()
    (tmp_path / "report.html").write_text("edited while verify runs", encoding="utf-8")
    monkeypatch.setattr("reportgen.locations.TEMPLATES_DIR", tmp_path)  # what code_files reads
    assert code_digest() == first
    code_digest.cache_clear()
    assert code_digest() != first  # a new process sees the edit
    monkeypatch.undo()
    code_digest.cache_clear()
    assert code_digest() == first


def test_copies_across_the_class_are_flagged_in_every_summary_format(klass, local_class):
    """The class's copies of one build (a1..a5, b1..b3, c1..c2: the same bytes under other
    names) are flagged pair by pair, with their evidence, in summary.json, summary.csv,
    index.html and the console; the forged one carries a1's results.json."""
    from itertools import combinations

    folder, _ = klass
    _, report, console, summary = local_class
    rel = lambda p: Path(p).relative_to(folder).as_posix()  # noqa: E731
    found = {(rel(p["a"]), rel(p["b"])): [f["kind"] for f in p["flags"]] for p in report["pairs"]}
    copies = (["a1.pdf", "a2.pdf", "a3.pdf", "a4.pdf", "a5.pdf"],
              ["b1.pdf", "b2.pdf", "sent/b3.pdf"], ["sent/c1.pdf", "sent/c2.pdf"])  # fmt: skip
    expected = {pair: ["same_pdf"] for names in copies for pair in combinations(names, 2)}
    expected |= {(a, "forged.pdf"): ["same_results"] for a in copies[0]}
    assert found == expected
    data = json.loads((summary / "summary.json").read_text(encoding="utf-8"))
    assert data["pairs"] == report["pairs"]
    broken = next(e for e in data["submissions"] if e["path"].endswith("broken.pdf"))
    assert broken["flags"] == [] and all("_evidence" not in e for e in data["submissions"])
    with open(summary / "summary.csv", newline="", encoding="utf-8") as fh:
        flags = {rel(r["file"]): r["flags"] for r in csv.DictReader(fh)}
    assert flags["sent/c1.pdf"] == f"same_pdf with {folder / 'sent/c2.pdf'}"
    index = (summary / "index.html").read_text(encoding="utf-8")
    assert "<h2>Flaggade par</h2>" in index and index.count("the same PDF bytes (SHA-256") >= 14
    assert console.count("flagged: ") == len(report["pairs"])


def test_each_pdf_of_a_class_is_parsed_once(klass, tmp_path, monkeypatch):
    """In one process, the parse that groups the class is the one its check uses: a PDF is read
    once per run (pypdf parses its whole catalog object stream: half a second a PDF)."""
    import reportgen.bundle.submission as submission

    folder, _ = klass
    small = tmp_path / "small"
    small.mkdir()
    for name in ("a1.pdf", "a2.pdf", "b1.pdf"):  # a2: a1's bytes under another name
        shutil.copy(folder / name, small / name)
    parsed = []
    real = submission.attachments_of

    def counted(raw, path, *args):
        parsed.append(Path(path).name)
        return real(raw, path, *args)

    monkeypatch.setattr(submission, "attachments_of", counted)
    code, report, _ = run_verify(str(small))
    assert code == 0, report
    assert sorted(parsed) == ["a1.pdf", "a2.pdf", "b1.pdf"]
    assert {e["checks"]["integrity"] for e in report["submissions"]} == {"byte-identical"}
