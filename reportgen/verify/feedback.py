"""Feedback back to the LMS (`verify --feedback DIR`): a PDF per student, in the language of
their report, made by the report's own renderer (its fonts, tagged as PDF/UA): the verdict and
each check, the departures from the course, what differs (page, before -> after) and the grade
with its rule. Beside them the ZIP the LMS's bulk upload takes: Moodle's "upload multiple
feedback files in a zip" (a folder per student, named as in the download) and Canvas's "upload
submission comments" (each file named with the download's `{name}_{user id}` prefix)."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from ..config import GradingConfig
from ..files import write_atomic
from ..lms.grading import graded
from ..report.fonts import uncovered
from ..report.language import language
from ..report.pdf import write_pdf
from ..untrusted import REPLACEMENT, clean_text
from .outcome import Checked, output_failed

WORDS = {
    "en": {
        "title": "Feedback on your report",
        "file": "File",
        "student": "Student",
        "author": "Author on the title page",
        "verdict": "Verdict",
        "checks": "Checks",
        "departs": "Where your configuration departs from the course's",
        "changes": "What differs from your own analysis",
        "page": "page",
        "details": "Details",
        "grade": "Grade",
        "rule": "Rule",
        "of": "of",
        "none": "none",
        "replaced": "The mark \ufffd stands for characters that cannot be shown: control "
                    "characters, or characters that none of the fonts has.",
        "mismatch": "The title page does not name the student the report was handed in for.",
        "terms": {"departs": "departure(s) from the course", "mismatch": "another student's name"},
        "verdicts": {"reproduced": "reproduced", "within_tolerance": "within tolerance",
                     "differs": "differs", "tampered": "changed after its build",
                     "unverifiable": "unverifiable: its attachments are missing",
                     "error": "not a readable report"},
    },
    "sv": {
        "title": "Återkoppling på din rapport",
        "file": "Fil",
        "student": "Student",
        "author": "Författare på titelsidan",
        "verdict": "Utlåtande",
        "checks": "Kontroller",
        "departs": "Där din konfiguration avviker från kursens",
        "changes": "Det som skiljer sig från din egen analys",
        "page": "sida",
        "details": "Detaljer",
        "grade": "Betyg",
        "rule": "Regel",
        "of": "av",
        "none": "inga",
        "replaced": "Tecknet \ufffd står för tecken som inte kan visas: styrtecken, eller tecken "
                    "som inget av typsnitten har.",
        "mismatch": "Titelsidan namnger inte studenten som rapporten lämnades in för.",
        "terms": {"departs": "avvikelse(r) från kursen", "mismatch": "en annan students namn"},
        "verdicts": {"reproduced": "reproducerad", "within_tolerance": "inom toleransen",
                     "differs": "skiljer sig", "tampered": "ändrad efter bygget",
                     "unverifiable": "kan inte kontrolleras: bilagorna saknas",
                     "error": "ingen läsbar rapport"},
    },
}  # fmt: skip
CSS = (
    "body { font-family: 'reportgen Sans'; font-size: 10.5pt; margin: 0; }"
    "@page { size: A4; margin: 2cm; } h1 { font-size: 16pt; } h2 { font-size: 12pt; }"
    "th { text-align: left; padding-right: 1em; } code { font-family: 'reportgen Mono'; }"
)


def _lang(entry: dict[str, Any], course: dict[str, Any] | None) -> str:
    """The report's language; where there is no readable report, the course's, else English."""
    for source in (entry.get("config"), course):
        code = ((source or {}).get("report") or {}).get("lang")
        if code in WORDS:
            return code
    return "en"


def _number(value: float, lang: str) -> str:
    """Points as the report's language writes them: '7,5' (sv), '7.5' (en), '10'."""
    return language(lang).decimal(value, 2).rstrip("0").rstrip(",.")


def rule_text(entry: dict[str, Any], lang: str) -> str:
    """How the grade was reached (roundtrip.add_grades's grade_terms), in `lang` (sv or en);
    an entry graded without them keeps its grade_rule as it is."""
    if "grade_terms" not in entry or lang not in WORDS:
        return entry.get("grade_rule", "")
    w = WORDS[lang]
    parts = [
        f"{n} {w['terms'][kind]} × {_number(p, lang)}" if kind in w["terms"]
        else f"{w['verdicts'][kind]}: {_number(p, lang)}"
        for kind, p, n in entry["grade_terms"]
    ]  # fmt: skip
    total = f"{_number(entry['grade'], lang)} {w['of']} {_number(entry['grade_max'], lang)}"
    return "; ".join(parts) + f" → {total}"


def feedback_html(entry: dict[str, Any], lang: str, grading: GradingConfig | None) -> str:
    """One student's feedback page (the PDF's source)."""
    w, e = WORDS[lang], html.escape
    rows = [(w["file"], entry["path"]), (w["student"], f"{entry.get('student_name') or ''} "
            f"({entry.get('student_id')})"), (w["author"], entry.get("author") or ""),
            (w["verdict"], w["verdicts"][entry["verdict"]])]  # fmt: skip
    if grading is not None and "grade" in entry:
        total = f"{_number(entry['grade'], lang)} {w['of']} {_number(grading.max, lang)}"
        rows += [(w["grade"], total), (w["rule"], rule_text(entry, lang))]
    table = "".join(f"<tr><th scope='row'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    checks = "".join(
        f"<li><code>{e(k)}</code>: {e(v if isinstance(v, str) else ', '.join(v))}</li>"
        for k, v in entry.get("checks", {}).items()
    )
    details = "".join(f"<li>{e(d)}</li>" for d in entry.get("details", []))
    departs = "".join(f"<li>{e(d)}</li>" for d in entry.get("departs") or [])
    changes = "".join(
        f"<li>{w['page']} {c['page']}: “{e(c['before'])}” → “{e(c['after'])}”</li>"
        for c in entry.get("text_changes", [])
    )
    none = f"<p>{w['none']}</p>"
    mismatch = (
        f"<p><strong>{e(w['mismatch'])}</strong></p>" if entry.get("identity") == "mismatch" else ""
    )
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{e(w['title'])}</title><style>{CSS}</style></head><body>"
        f"<h1>{e(w['title'])}</h1><table>{table}</table>{mismatch}"
        f"<h2>{w['checks']}</h2><ul>{checks}</ul>" + (f"<ul>{details}</ul>" if details else "")
        + f"<h2>{e(w['departs'])}</h2>" + (f"<ul>{departs}</ul>" if departs else none)
        + f"<h2>{e(w['changes'])}</h2>" + (f"<ul>{changes}</ul>" if changes else none)
        + "</body></html>"
    )  # fmt: skip


def _name_in_zip(entry: dict[str, Any], key: str) -> str:
    """Where the LMS's bulk upload looks for a student's file."""
    if entry["lms"] == "moodle":
        return f"{key}/feedback.pdf"  # the download's folder name: name_pid_assignsubmission_file
    return f"{key}_feedback.pdf"  # Canvas: the download's prefix, with _{user id}


def _zip(files: dict[str, bytes]) -> bytes:
    """A ZIP of `files`, the same bytes for the same files (sorted, a fixed time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return out.getvalue()


def drawable(page: str) -> str:
    """`page` (HTML) with every character the bundled fonts cannot draw replaced by U+FFFD (which
    DejaVu draws), so that a student's text (a page's U+FFFE, a control character) never stops
    their feedback; the text is cleaned first (untrusted.clean_text)."""
    page = clean_text(page)
    for char in uncovered(page):
        page = page.replace(char, REPLACEMENT)
    return page


def _write_one(entry: dict[str, Any], lang: str, grading: GradingConfig | None, folder: Path,
               out: Path) -> bytes:  # fmt: skip
    """One student's feedback PDF at `out`; its bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    page = drawable(feedback_html(entry, lang, grading))
    if REPLACEMENT in page:  # said on the page: the student sees that something was there
        note = f"<p><small>{html.escape(WORDS[lang]['replaced'])}</small></p>"
        page = page.replace("</body>", f"{note}</body>")
    write_pdf(
        page, folder, out, title=WORDS[lang]["title"],
        author="reportgen verify", date="", lang=lang,
    )  # fmt: skip
    return out.read_bytes()


def write_feedback(checked: Checked, folder: Path, course: dict[str, Any] | None,
                   grading: GradingConfig | None = None) -> list[str]:  # fmt: skip
    """A feedback PDF per student of an LMS download (on their latest submission) under
    `folder`, laid out as the bulk upload's ZIP, and that ZIP (feedback-LMS.zip); the console's
    lines. A student whose PDF cannot be written gets none (and the reason on their entry,
    outcome.output_failed): the others' are written all the same."""
    from ..lms.names import PARSERS

    chosen = graded(checked.report["submissions"])
    files: dict[str, bytes] = {}
    lmss, failed = set(), 0
    for (lms, _), entry in sorted(chosen.items()):
        parsed = PARSERS[lms](entry["entry"]) if entry.get("entry") else None
        if parsed is None:
            continue
        lang = _lang(entry, course)
        name = _name_in_zip(entry, parsed.key)
        try:
            files[name] = _write_one(entry, lang, grading, folder, folder / name)
        except OSError:  # a full disk is the class's, not one student's: nothing is published
            raise
        except Exception as exc:  # noqa: BLE001 (one student's failure is theirs alone)
            (folder / name).unlink(missing_ok=True)
            output_failed(entry, "feedback PDF", exc)
            failed += 1
            continue
        lmss.add(lms)
    if not files and not failed:
        return ["no feedback written: --feedback writes for the students of an LMS download"]
    lines = [f"wrote {len(files)} feedback PDF(s) under {folder}"]
    if failed:
        lines[0] += f"; {failed} could not be written (each named below)"
    for lms in sorted(lmss & {"canvas", "moodle"}):
        target = folder / f"feedback-{lms}.zip"
        own = {n: b for n, b in files.items() if chosen_lms(n, lms)}
        write_atomic(target, _zip(own))
        upload = {"moodle": "Upload multiple feedback files in a zip",
                  "canvas": "Upload submission comments"}[lms]  # fmt: skip
        lines.append(f"wrote {target}: {len(own)} file(s), for {lms.capitalize()}'s {upload!r}")
    return lines


def own_file(relative: PurePosixPath) -> bool:
    """Whether a file of a feedback folder is one --feedback writes (a PDF of a student, an
    upload's ZIP): those a run does not write again are not kept (files.StagedFolders)."""
    name = relative.name
    return (
        (len(relative.parts) == 1 and name.startswith("feedback-") and name.endswith(".zip"))
        or (len(relative.parts) == 1 and name.endswith("_feedback.pdf"))
        or (len(relative.parts) == 2 and name == "feedback.pdf")
    )


def chosen_lms(name: str, lms: str) -> bool:
    """Whether a feedback file's name is in `lms`'s layout (Moodle's: a folder per student)."""
    return ("/" in name) == (lms == "moodle")
