"""Each LMS's entry names, read: the student, their id, late or not, the attempt; what is no
submission; and names compared after normalising."""

from __future__ import annotations

import pytest

from reportgen.lms.identity import identity, same_person, words
from reportgen.lms.names import assignment_of, blackboard, canvas, moodle, recognise, skipped


@pytest.mark.parametrize(
    ("name", "student", "sid", "late", "attempt", "file", "key"),
    [
        ("smithbob_340934_208490284_Rapport.pdf", "smithbob", "340934", False, 1, "Rapport.pdf",
         "smithbob_340934"),
        ("smithbob_LATE_340934_208490284_Rapport-1.pdf", "smithbob", "340934", True, 2,
         "Rapport.pdf", "smithbob_LATE_340934"),
        ("anon_x7k2p_208490284_Rapport.pdf", None, "x7k2p", False, 1, "Rapport.pdf", "anon_x7k2p"),
        ("LATE_anon_x7k2p_1_a_b.pdf", None, "x7k2p", True, 1, "a_b.pdf", "LATE_anon_x7k2p"),
        ("öbergåsa_7_8_R.pdf", "öbergåsa", "7", False, 1, "R.pdf", "öbergåsa_7"),
        ("lee_mary_anne_105_9_x_2.pdf", "lee_mary_anne", "105", False, 1, "x_2.pdf",
         "lee_mary_anne_105"),
    ],
)  # fmt: skip
def test_canvas_names(name, student, sid, late, attempt, file, key):
    entry = canvas(name)
    assert entry is not None and entry.lms == "canvas"
    got = (entry.student_name, entry.student_id, entry.late, entry.attempt, entry.file, entry.key)
    assert got == (student, sid, late, attempt, file, key)


@pytest.mark.parametrize(
    ("name", "student", "pid", "file", "key"),
    [
        ("Åsa Öberg_501_assignsubmission_file/Rapport.pdf", "Åsa Öberg", "501", "Rapport.pdf",
         "Åsa Öberg_501_assignsubmission_file"),
        ("Öberg, Åsa_601_assignsubmission_file_/sub/R.pdf", "Öberg, Åsa", "601", "sub/R.pdf",
         "Öberg, Åsa_601_assignsubmission_file_"),
        ("Anna Andersson_701_assignsubmission_file_R_1.pdf", "Anna Andersson", "701", "R_1.pdf",
         "Anna Andersson_701_assignsubmission_file"),
        ("Participant_503_assignsubmission_file/r.pdf", None, "503", "r.pdf",
         "Participant_503_assignsubmission_file"),
        ("Grupp 1_504_assignsubmission_file/r.pdf", "Grupp 1", "504", "r.pdf",
         "Grupp 1_504_assignsubmission_file"),
    ],
)  # fmt: skip
def test_moodle_names(name, student, pid, file, key):
    entry = moodle(name)
    assert entry is not None and (entry.lms, entry.late, entry.attempt) == ("moodle", None, None)
    assert (entry.student_name, entry.student_id, entry.file, entry.key) == (
        student,
        pid,
        file,
        key,
    )


def test_blackboard_names_and_attempts():
    entry = blackboard("Kunskapskontroll 2_asaob_attempt_2026-01-15-10-30-00_Rapport_v2.pdf")
    assert entry is not None
    assert (entry.lms, entry.student_id, entry.student_name) == ("blackboard", "asaob", None)
    assert (entry.attempt, entry.file) == ("2026-01-15T10:30:00", "Rapport_v2.pdf")
    assert blackboard("KK_asaob_attempt_2026-01-15-10-30-00.txt") is None


def test_blackboard_usernames_with_underscores_from_the_download_as_a_whole():
    names = [
        "Lab_1_anna_s_attempt_2026-01-15-10-30-00_Rapport.pdf",
        "Lab_1_bo_attempt_2026-01-15-11-00-00_rapport_final.pdf",
        "Lab_1_anna_s_attempt_2026-01-15-10-30-00.txt",
    ]
    assignment = assignment_of(names)
    assert assignment == "Lab_1_"
    ids = [blackboard(n, assignment).student_id for n in names[:2]]
    assert ids == ["anna_s", "bo"]
    assert blackboard(names[1], assignment).file == "rapport_final.pdf"
    # one student: nothing tells the assignment's `_` from the username's; the last part is taken
    assert assignment_of(names[:1]) is None
    assert blackboard(names[0]).student_id == "s"


def test_what_is_no_submission_and_which_lms():
    assert skipped("__MACOSX/._x.pdf") and skipped("a/.DS_Store") and skipped("Thumbs.db")
    assert skipped("Bob_502_assignsubmission_onlinetext/onlinetext.html") == "online text"
    assert skipped("smithbob_102_text.html") == "online text"
    assert skipped("smithbob_102_link.html") == "links"
    assert skipped("KK_asaob_attempt_2026-01-15-10-30-00.txt") == "Blackboard receipts"
    assert skipped("smithbob_102_9_Rapport.pdf") is None
    assert recognise(["smithbob_102_9_Rapport.pdf", "x_1_2_y.docx"]) == "canvas"
    assert recognise(["Bob_5_assignsubmission_file/r.pdf"]) == "moodle"
    assert recognise(["KK_bob_attempt_2026-01-15-10-30-00_r.pdf"]) == "blackboard"
    assert recognise(["a1.pdf", "sent/b3.pdf"]) is None  # a plain folder of reports


def test_names_compared_after_normalising():
    for form in ("Åsa Öberg", "Öberg, Åsa", "ÖBERG ÅSA", "asa  oberg", "obergasa", "bergsa"):
        assert same_person("Åsa Öberg", form), form
    assert words("Öberg, Åsa") == ["asa", "oberg"]
    assert same_person("Mary Anne Lee", "lee_mary_anne")
    assert not same_person("Åsa Öberg", "smithbob") and not same_person("Åsa Öberg", "obergas")
    assert identity("Åsa Öberg", "Bob Smith", "moodle") == "mismatch"
    assert identity("Åsa Öberg", None, "canvas") == "unknown"  # anonymous grading
    assert identity("Åsa Öberg", "Åsa Öberg", None) == "unknown"  # no LMS
    assert identity(None, "Åsa Öberg", "moodle") == "unknown"  # no readable title page
