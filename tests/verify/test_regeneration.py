"""Regenerating a submission: here when its render stack is this machine's; in its own stack's
environment otherwise; and where that cannot be made, here, saying why (never `tampered`)."""

from __future__ import annotations

from reportgen.bundle.submission import read_submission
from reportgen.environments import stack, venvs
from reportgen.verify import regeneration
from reportgen.verify.integrity import check_integrity


def test_the_manifest_records_the_stack_verify_reads_back(built):
    sub = read_submission(str(built / "report.pdf"))
    assert regeneration.recorded_stack(sub) == stack.tested_stack()
    assert regeneration.stack_differences(regeneration.recorded_stack(sub)) == []


def test_a_submission_of_this_stack_renders_here_to_its_very_bytes(built, tmp_path):
    sub = read_submission(str(built / "report.pdf"))
    done = regeneration.regenerate_submission(sub, tmp_path, use_cache=False)
    assert done.pdf == sub.pdf and not done.recalled
    assert done.own_environment is None and done.fallback is None and done.stack == []


def test_a_stack_that_cannot_be_made_is_compared_here_and_says_why(built, tmp_path, monkeypatch):
    sub = read_submission(str(built / "report.pdf"))
    recorded = {**stack.tested_stack(), "weasyprint": "68.1"}
    monkeypatch.setattr(regeneration, "recorded_stack", lambda _: recorded)
    monkeypatch.setenv(venvs.WHEELS_VARIABLE, str(tmp_path))  # no wheels, and offline
    monkeypatch.setenv(venvs.OFFLINE_VARIABLE, "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    integrity = check_integrity(sub, use_cache=False)
    assert integrity.status != "tampered", integrity
    reason = [line for line in integrity.environment if "could not be made here" in line]
    assert reason and "weasyprint 68.1 -> " in reason[0], integrity.environment
