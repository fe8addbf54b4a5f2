"""Plain helpers of the LMS tests: downloads as their LMSs name their entries, gradebooks as
they export them (fixtures are in conftest)."""

from __future__ import annotations

import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"  # gradebooks byte for byte as the LMSs write them


def zip_of(path: Path, files: dict[str, bytes]) -> Path:
    """A ZIP at `path` holding `files` (name -> bytes), UTF-8 names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def folder_of(path: Path, files: dict[str, bytes]) -> Path:
    """A folder at `path` holding `files`, as one unpacked from a download."""
    for name, data in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    return path


def canvas_download(asa: bytes, bob: bytes) -> dict[str, bytes]:
    """Canvas's forms: LATE, a resubmission (-1), anonymous (and late), a non-ASCII name, a name
    with `_`, __MACOSX, .DS_Store, a .docx, online text."""
    return {
        "obergasa_101_9001_Rapport.pdf": asa,
        "obergasa_101_9002_Rapport-1.pdf": asa,
        "smithbob_LATE_102_9003_report.pdf": bob,
        "anon_x7k2p_9004_Rapport.pdf": asa,
        "LATE_anon_q9w8e_9005_r.pdf": bob,
        "öbergåsa_103_9006_R.pdf": asa,
        "lee_mary_anne_105_9007_x.pdf": bob,
        "andersanna_106_9008_Rapport.docx": b"PK\x03\x04 not a report",
        "smithbob_102_text.html": b"<p>see the PDF</p>",
        "__MACOSX/._obergasa_101_9001_Rapport.pdf": b"\x00\x05\x16\x07",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    }


def moodle_download(asa: bytes, bob: bytes) -> dict[str, bytes]:
    """Moodle 4.1's folders: a student, one under another's name, blind, a team, online text."""
    return {
        "Åsa Öberg_501_assignsubmission_file/Rapport.pdf": asa,
        "Bob Smith_502_assignsubmission_file/rapport.pdf": asa,
        "Participant_503_assignsubmission_file/r.pdf": bob,
        "Grupp 1_504_assignsubmission_file/r.pdf": bob,
        "Bob Smith_502_assignsubmission_onlinetext/onlinetext.html": b"<p>hi</p>",
    }


def blackboard_download(asa: bytes, bob: bytes) -> dict[str, bytes]:
    """Blackboard's forms: two attempts (the later graded), a receipt per attempt, a .docx, a
    student the Grade Center lacks."""
    return {
        "KK2_asaob_attempt_2026-01-15-10-30-00_Rapport.pdf": asa,
        "KK2_asaob_attempt_2026-01-15-10-30-00.txt": b"Name: Asa Oberg (asaob)",
        "KK2_bobsm_attempt_2026-01-14-08-00-00_rapport.pdf": b"%PDF-1.7\n",
        "KK2_bobsm_attempt_2026-01-16-09-00-00_Rapport.pdf": bob,
        "KK2_carlc_attempt_2026-01-14-20-11-00_Rapport.docx": b"PK\x03\x04 not a report",
        "KK2_danid_attempt_2026-01-15-12-00-00_Rapport.pdf": asa,
    }


CANVAS_HEADER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Rapport (7001),Quiz 1 (7002),"
    "Current Score,Final Score"
)


def canvas_gradebook(newline: str = "\r\n", bom: bool = True, delimiter: str = ",") -> bytes:
    """Canvas's gradebook export: a Points Possible row, quoted names, a student without a
    submission, another assignment's grades."""
    rows = [
        CANVAS_HEADER,
        "    Points Possible,,,,,10.00,5.00,(read only),(read only)",
        '"Öberg, Åsa",101,s101,asaob,KK2,,4.50,90.00,90.00',
        '"Smith, Bob",102,s102,bobsm,KK2,3,5.00,80.00,80.00',
        '"Lee, Mary_Anne",105,s105,maryl,KK2,,2.00,40.00,40.00',
        '"Andersson, Anna",106,s106,annaa,KK2,,,0.00,0.00',
        '"Nobody, Noah",107,s107,noahn,KK2,,1.00,20.00,20.00',
    ]
    if delimiter == ";":
        rows = [r.replace(",", ";").replace("4.50", "4,50").replace(".00", ",00") for r in rows]
        rows = [r.replace('"Öberg; Åsa"', '"Öberg, Åsa"').replace('"Smith; Bob"', '"Smith, Bob"')
                .replace('"Lee; Mary_Anne"', '"Lee, Mary_Anne"')
                .replace('"Andersson; Anna"', '"Andersson, Anna"')
                .replace('"Nobody; Noah"', '"Nobody, Noah"') for r in rows]  # fmt: skip
    text = newline.join(rows) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def moodle_worksheet(header: str, newline: str = "\n", word: str = "Participant") -> bytes:
    """Moodle's grading worksheet (offline grading), headers as `header` gives them."""
    rows = [
        header,
        f'"{word} 501","Åsa Öberg",asa@example.org,"Submitted for grading",,100.00,Yes,'
        '"Thursday, 15 January 2026, 10:30 AM",,-,',
        f'"{word} 502","Bob Smith",bob@example.org,"Submitted for grading",55.00,100.00,Yes,'
        '"Thursday, 15 January 2026, 11:00 AM",,"Friday, 16 January 2026, 9:00 AM","old note"',
        f'"{word} 509","Cai Chen",cai@example.org,"No submission",,100.00,Yes,-,,-,',
    ]
    return (newline.join(rows) + newline).encode("utf-8")


MOODLE_HEADER_EN = (
    'Identifier,"Full name","Email address",Status,Grade,"Maximum Grade",'
    '"Grade can be changed","Last modified (submission)","Online text",'
    '"Last modified (grade)","Feedback comments"'
)
MOODLE_HEADER_SV = (
    'Identifierare,"Förnamn / Efternamn",E-postadress,Status,Betyg,"Högsta betyg",'
    '"Betyget kan ändras","Senast ändrad (inlämning)",Onlinetext,'
    '"Senast ändrad (betyg)",Återkopplingskommentarer'
)
