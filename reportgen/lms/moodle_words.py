"""The words of Moodle's grading worksheet in the interface languages reportgen knows: the column
headers the offline importer looks for (mod/assign lang strings `recordid`, core `grade`,
`maxgrade`, `lastmodifiedgrade`, assignfeedback_comments `pluginname`, `status`) and the words a
status uses for a late submission (`submittedlate`, `submittedlateshort`), as Moodle's language
packs (en, de, sv, fr, es; older and newer releases) write them. A header not listed here is
found by its content and position instead (moodle.py)."""

from __future__ import annotations

import re

# meaning -> headers, compared case-insensitively with runs of white space as one space
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("identifier", "id", "identifierare", "identifiant", "identificador"),
    "grade": ("grade", "bewertung", "betyg", "note", "calificación"),
    "max": (
        "maximum grade",
        "bestwertung",
        "maximalt betyg",
        "maxbetyg",
        "note maximale",
        "calificación máxima",
    ),
    "modified": (
        "last modified (grade)",
        "zuletzt geändert (bewertung)",
        "senast modifierat (betyg)",
        "dernière modification (note)",
        "última modificación (calificación)",
    ),
    # Swedish and Spanish names of the comments column are not listed (not confirmed from the
    # language packs): there the column is found by position, right after the grade's date
    "feedback": ("feedback comments", "feedback als kommentar", "feedback par commentaires"),
    "status": ("status", "statut", "estado"),
}

# A status that says the submission came in late: "Assignment was submitted 2 days 3 hours
# late" / "2 days late" (en), "Aufgabe wurde 2 Tage verspätet abgegeben", "2 Tage später",
# "zu spät" (de), "lämnades in 2 dagar sent", "för sent" (sv), "En retard de 2 jours" (fr),
# "La tarea fue enviada 2 días después", "2 días de retraso" (es).
LATE = re.compile(
    r"\blate\b|verspätet|\bspäter\b|zu spät|\bsent\b|en retard|\bdespués\b|de retraso",
    re.IGNORECASE,
)


def meaning(header: str) -> str | None:
    """What a worksheet column header means (a key of HEADERS), or None for a word not known."""
    said = " ".join(header.split()).casefold()
    return next((key for key, words in HEADERS.items() if said in words), None)
