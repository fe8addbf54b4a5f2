"""verify and the BLAS kernel: every difference of the machines named, a submission's kernel
rebuilt where this CPU runs it, the spread between kernels where it cannot, never `differs`
for a kernel alone. (No test here changes this process's OPENBLAS_CORETYPE.)"""

from __future__ import annotations

import copy
import json

import pytest

from reportgen.results import Results, parse_results
from reportgen.verify import batch, kernels
from reportgen.verify.batch import group_key
from reportgen.verify.reproduction import compare_analysis


@pytest.fixture
def built(fixture_path) -> dict:
    """The frozen fast build (schema 7, with its system record), as data."""
    return json.loads((fixture_path.parent / "results_fast.json").read_text(encoding="utf-8"))


def _with_kernel(data: dict, kernel: str) -> dict:
    other = copy.deepcopy(data)
    for lib in other["system"]["blas"]:
        lib["kernel"] = kernel
    return other


def _results(data: dict) -> Results:
    return parse_results(json.dumps(data))


def _move_mlp(data: dict, accuracy: float, cell: int) -> dict:
    """The MLP as another kernel leaves it: its tuned test accuracy and two confusion cells."""
    other = copy.deepcopy(data)
    tuned = other["models"]["mlp"]["tuned"]
    tuned["test"]["accuracy"] = round(tuned["test"]["accuracy"] + accuracy, 12)
    tuned["confusion_matrix"][3][5] += cell  # (300 digits: too few to move them across)
    return other


def test_the_same_numbers_on_another_kernel_are_reproduced_and_the_kernel_named(built):
    outcome = compare_analysis(_results(_with_kernel(built, "Sandybridge")), _results(built), 1e-6)
    assert outcome.status == "reproduced"
    assert outcome.environment == ["blas kernel Sandybridge -> Haswell"]


def test_a_kernel_it_could_not_run_is_judged_by_the_spread_between_kernels(built):
    """An ARM student's kernel (not runnable here) and an MLP moved as another kernel moves it:
    within_tolerance, saying what was proven and what could not be."""
    theirs = _results(_move_mlp(_with_kernel(built, "neoversen1"), 0.002, 2))
    outcome = compare_analysis(theirs, _results(built), 1e-6)
    assert outcome.status == "within_tolerance"
    assert outcome.details[0].startswith(
        "only the numeric path differs (blas kernel neoversen1 -> Haswell)"
    )
    assert "cannot run" in outcome.details[0]


def test_an_arm_laptop_with_accelerate_is_another_numeric_path(built):
    """Another machine and BLAS library as well as the kernel, same Python and distributions:
    judged by the spread, each difference named."""
    theirs = _move_mlp(_with_kernel(built, "vortex"), 0.002, 2)
    theirs["system"]["machine"] = "arm64"
    for lib in theirs["system"]["blas"]:
        lib.update(library="accelerate", version="14.0")
    outcome = compare_analysis(_results(theirs), _results(built), 1e-6)
    assert outcome.status == "within_tolerance"
    first = outcome.details[0]
    assert first.startswith("only the numeric path differs (machine arm64 -> x86_64; blas ")
    assert "blas kernel vortex -> Haswell" in first


def test_a_change_beyond_the_spread_differs_even_on_another_kernel(built):
    theirs = _results(_move_mlp(_with_kernel(built, "neoversen1"), 0.05, 2))
    assert compare_analysis(theirs, _results(built), 1e-6).status == "differs"
    many = kernels.KERNEL_SPREAD["cell"] + 1
    theirs = _results(_move_mlp(_with_kernel(built, "neoversen1"), 0.0, many))
    assert compare_analysis(theirs, _results(built), 1e-6).status == "differs"


def test_the_spread_is_for_a_kernel_alone(built):
    """Another NumPy as well as another kernel: a moved MLP differs, and both are named."""
    theirs = _move_mlp(_with_kernel(built, "neoversen1"), 0.002, 2)
    theirs["system"]["distributions"]["numpy"] = "2.3.5"
    outcome = compare_analysis(_results(theirs), _results(built), 1e-6)
    assert outcome.status == "differs"
    here = built["system"]["distributions"]["numpy"]
    assert f"numpy 2.3.5 -> {here}" in outcome.environment
    assert "blas kernel neoversen1 -> Haswell" in outcome.environment


def test_every_difference_of_the_machines_is_named(built):
    theirs = copy.deepcopy(built)
    theirs["system"]["python"] = "3.12.1"
    theirs["system"]["blas"][0]["version"] = "0.3.27"
    theirs["system"]["blas"][0]["threads"] = 8
    theirs["system"]["distributions"]["scikit-learn"] = "1.8.0"
    named = compare_analysis(_results(theirs), _results(built), 1e-6).environment
    here = built["system"]
    assert named[0] == f"python 3.12.1 -> {here['python']}"
    assert f"scikit-learn 1.8.0 -> {here['distributions']['scikit-learn']}" in named
    assert any(n.startswith("blas openblas 0.3.27") for n in named)
    assert not any(n.startswith("blas threads") for n in named)  # the config fixes the fits'
    theirs["config"]["tuning"].pop("blas_threads")  # a config from before the key
    named = compare_analysis(_results(theirs), _results(built), 1e-6).environment
    assert any(n.startswith("blas threads 2, 8 -> 2") for n in named)


def test_a_submission_before_the_record_says_its_kernel_is_unrecorded(built):
    old = copy.deepcopy(built)
    old["schema_version"] = 6
    del old["system"]
    named = compare_analysis(_results(old), _results(built), 1e-6).environment
    assert named == ["blas kernel unrecorded (schema 6) -> Haswell"]


def test_students_on_two_kernels_are_two_groups(built):
    text = json.dumps(built)
    assert group_key(json.dumps(_with_kernel(built, "Sandybridge"))) != group_key(text)
    assert group_key(json.dumps(_with_kernel(built, "HASWELL"))) == group_key(text)


def test_a_kernel_this_cpu_runs_is_rebuilt_with_it(built, monkeypatch):
    """The rebuild goes to a subprocess with the submission's kernel (stubbed here: the suite
    never changes OPENBLAS_CORETYPE); one this CPU cannot run is rebuilt here."""
    asked = []

    def with_kernel(kernel, text, data_dir, use_cache):
        asked.append(kernel)
        return {"results": text, "made": {}, "worker": "here", "seconds": 0.0, "kernel": kernel}

    monkeypatch.setattr(kernels, "rebuild_with_kernel", with_kernel)
    monkeypatch.setattr(kernels, "this_kernel", lambda: "Haswell")
    monkeypatch.setattr(kernels, "runnable_here", lambda kernel: kernel == "Sandybridge")
    made = batch.rebuild(json.dumps(_with_kernel(built, "Sandybridge")), None, True)
    assert asked == ["Sandybridge"] and made["kernel"] == "Sandybridge"
    monkeypatch.setattr(batch, "analyse", None, raising=False)  # not reached: see below
    monkeypatch.setattr(kernels, "runnable_here", lambda kernel: False)

    class Stop(Exception):
        pass

    def stop(*a, **k):
        raise Stop

    import reportgen.pipeline

    monkeypatch.setattr(reportgen.pipeline, "analyse", stop)
    with pytest.raises(Stop):  # rebuilt in this process, on this process's kernel
        batch.rebuild(json.dumps(_with_kernel(built, "neoversen1")), None, True)
    assert asked == ["Sandybridge"]


def test_the_kernel_table_knows_the_x86_kernels():
    assert kernels.same_kernel("SKYLAKEX", "SkylakeX")
    assert kernels.recorded_kernel(type("R", (), {"system": None})()) is None


def test_a_dask_rebuild_asks_for_a_worker_that_has_the_kernel(built):
    class Client:
        def __init__(self, resources):
            self.workers = {"tcp://w1": {"resources": resources}}

        def scheduler_info(self):
            return {"workers": self.workers}

        text = json.dumps(_with_kernel(built, "SkylakeX"))

    offered = Client({"blas_SkylakeX": 1})
    assert kernels.worker_resources(offered, Client.text) == {"blas_SkylakeX": 1}
    assert kernels.worker_resources(Client({}), Client.text) is None  # any worker, then
    old = copy.deepcopy(built)
    del old["system"]
    assert kernels.worker_resources(offered, json.dumps(old)) is None
