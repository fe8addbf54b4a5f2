"""verify --previous names the BLAS kernel as a cause: the verifier's (checked_with), and the one
a submission's configuration was rebuilt with (its entry's `rebuilt.kernel`)."""

from __future__ import annotations

from reportgen.verify.changes import explain, run_differences
from reportgen.verify.checked_with import libraries
from reportgen.verify.previous import Entry, Summary

CHECKED = {"reportgen": {"version": "0.2.0", "code": "c" * 64}, "tolerance": 1e-6, "course": None}


def _summary(kernel: str) -> Summary:
    record = {**CHECKED, "libraries": {"numpy": "2.4.6", "blas_kernel": kernel}}
    return Summary.model_validate({"submissions": [], "checked_with": record})


def _entry(verdict: str, kernel: str | None) -> Entry:
    rebuilt = {"fingerprint": "f" * 64, "scores": {"mlp": 0.98}, "kernel": kernel}
    return Entry.model_validate({"path": "a.pdf", "verdict": verdict, "rebuilt": rebuilt})


def test_the_check_records_this_process_s_blas_kernel():
    assert libraries()["blas_kernel"]  # e.g. "Haswell"


def test_another_verifier_kernel_explains_a_changed_verdict():
    now = {"checked_with": {**CHECKED, "libraries": {"numpy": "2.4.6", "blas_kernel": "Haswell"}}}
    causes = run_differences(_summary("SkylakeX"), now)
    assert [(c.kind, c.text) for c in causes] == [("blas", "blas kernel SkylakeX -> Haswell")]
    found = explain(_entry("differs", None), _entry("within_tolerance", None), causes)
    assert found["status"] == "changed"
    assert found["causes"] == ["blas kernel SkylakeX -> Haswell"]


def test_the_kernel_a_submission_was_rebuilt_with_explains_its_rebuilt_scores():
    before, after = _entry("differs", "Haswell"), _entry("reproduced", "Sandybridge")
    found = explain(before, after, [])
    assert found["status"] == "changed"
    assert found["causes"] == ["the BLAS kernel it was rebuilt with: Haswell -> Sandybridge"]
    assert explain(_entry("differs", None), _entry("reproduced", None), [])["status"] == (
        "unexplained"
    )
