"""Is the title page's author the student the LMS handed the file in for?

Names are compared after normalising: case, accents (Öberg = oberg), word order, "Last, First",
and Canvas's squashed sortable name (`obergasa`: "Öberg, Åsa" lowercased, every non-word
character removed; an ASCII-only squash drops the accented letters: `bergsa`)."""

from __future__ import annotations

import itertools
import re
import unicodedata

MATCH, MISMATCH, UNKNOWN = "match", "mismatch", "unknown"
_SPELLED = str.maketrans({"ø": "o", "ß": "ss", "æ": "ae", "đ": "d", "ł": "l", "þ": "th"})


def _plain(text: str) -> str:
    """Lowercase, without accents; letters a decomposition cannot strip (ø, ß, æ) spelled out."""
    spelled = text.casefold().translate(_SPELLED)
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(name: str) -> list[str]:
    """A name's words, normalised and sorted: 'Öberg, Åsa' -> ['asa', 'oberg']."""
    return sorted(w for w in re.split(r"[\W_]+", _plain(name)) if w)


def _squashes(name: str) -> set[str]:
    """Every squashed form of `name`: its words run together in any order, with its accented
    letters plain or dropped (as an ASCII-only `\\W` removes them)."""
    own = [w for w in re.split(r"[\W_]+", name.casefold()) if w]
    if not own or len(own) > 6:
        return set()
    out = set()
    for order in itertools.permutations(own):
        joined = "".join(order)
        out.add(_plain(joined))
        out.add(re.sub(r"[^a-z0-9]", "", joined))
    return out


def same_person(author: str, student: str) -> bool:
    """Whether the title page's `author` names the LMS's `student` (see the module)."""
    if not author.strip() or not student.strip():
        return False
    if words(author) == words(student):
        return True
    squashed = [w for w in re.split(r"[\W_]+", student.casefold()) if w]
    if len(squashed) == 1 or "_" in student:
        return "".join(squashed) in _squashes(author) or _plain("".join(squashed)) in _squashes(
            author
        )
    return False


def identity(author: str | None, student: str | None, lms: str | None) -> str:
    """match, mismatch or unknown (no LMS, an anonymous or blind-marked download, a username
    only, or no readable title page)."""
    if lms is None or student is None or not author:
        return UNKNOWN
    return MATCH if same_person(author, student) else MISMATCH
