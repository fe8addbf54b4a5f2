"""Nothing of the student's machine travels in what is handed in: the same data and config
reached through two different folders give the same bytes, and no folder's path is in the PDF."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from reportgen.cli import main

from .helpers import FAST_GRIDS, make_mnist_dir


def _config(path, selfeval, **data) -> str:
    lines = ["[report]", 'date = "2026-01-15"', f'self_evaluation = "{selfeval}"', "[data]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in data.items()]
    for model, grid in FAST_GRIDS.items():
        lines += [f"[grids.{model}]"] + [f"{k} = {json.dumps(v)}" for k, v in grid.items()]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_two_folders_one_report(tmp_path):
    outs = []
    for user in ("anna-andersson", "bo.berg"):
        home = tmp_path / "home" / user
        data = make_mnist_dir(home / "mnist-data", n_train=400, n_test=100)
        (home / "sjalvutvardering.md").write_text("Jag lärde mig mycket.\n")
        config = _config(
            home / "report.toml",
            str(home / "sjalvutvardering.md"),
            dataset=f"idx:{data}",
            mnist_dir=str(data),
        )
        out = home / "output"
        assert main(["build", "--config", config, "--out", str(out)]) == 0
        outs.append((user, home, out))
    (_, _, a), (_, _, b) = outs
    for name in ("results.json", "report.html", "report.pdf"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    results = json.loads((a / "results.json").read_text())
    assert results["config"]["data"]["dataset"] == "idx:mnist-data"
    assert results["dataset"]["origin"] == "mnist-data"
    assert [f["name"] for f in results["dataset"]["files"]][0] == "train-images-idx3-ubyte.gz"
    assert results["config"]["report"]["self_evaluation"] == "sjalvutvardering.md"
    run = json.loads((a / "run.json").read_text())  # the paths stay on the machine
    assert run["local"]["data_folder"].endswith("anna-andersson/mnist-data")
    if not shutil.which("qpdf"):
        pytest.skip("qpdf not installed: the PDF's uncompressed bytes were not searched")
    for user, home, out in outs:
        flat = tmp_path / f"{user}.qdf.pdf"
        subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(out / "report.pdf"), str(flat)],
            check=True,
        )
        body = flat.read_bytes()
        assert b"Jag l" in body  # the attachments were uncompressed and searched too
        for secret in (user, str(home), str(tmp_path)):
            assert secret.encode() not in body, secret
